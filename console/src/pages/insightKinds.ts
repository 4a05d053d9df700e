// The three insight kinds on the wire: their paths and field names (docs/insights.md).

export interface Kind {
  key: "pld" | "sls" | "aqs";
  short: string;
  title: string;
  list: string;
  rows: string;
  id: string;
  name: string;
  status: string;
  created: string;
  download: string;
  idField: string;
  /** the download answer's key holding the signed link */
  urlKey: string;
  idsParam: string;
  tzField: string;
  /** AQS dates are epoch seconds, PLD and SLS epoch milliseconds */
  seconds: boolean;
  files: [number, string][];
  campaigns: string;
  create: string;
  /** the cost quote without creating anything; PLD has none in IQM's API */
  computation?: string;
  validateName?: string;
}

export const KINDS: Kind[] = [
  {
    key: "pld", short: "PLD", title: "Provider-level data (PLD)", list: "/api/v3/ins/pld-reports", rows: "pldReportDataList",
    id: "pldId", name: "pldName", status: "pldStatusName", created: "pldCreatedOn", download: "/api/v3/ins/pld-report/download",
    idField: "pldId", urlKey: "pldReportUrl", idsParam: "pldIds", tzField: "campaignPldTimezoneId", seconds: false, files: [[1, "XLSX"], [2, "CSV"]],
    campaigns: "/api/v3/ins/pld-reports/campaigns", create: "/api/v3/ins/pld-report",
  },
  {
    key: "sls", short: "SLS", title: "Sales lift study (SLS)", list: "/api/v3/ins/sls-reports", rows: "slsReportDataList",
    id: "slsId", name: "slsName", status: "slsStatusName", created: "slsCreatedOn", download: "/api/v3/ins/sls-reports/download",
    idField: "slsId", urlKey: "slsReportUrl", idsParam: "slsIds", tzField: "campaignSlsTimezoneId", seconds: false, files: [[1, "XLSX"], [2, "CSV"], [3, "PDF"]],
    campaigns: "/api/v3/ins/sls-reports/campaigns", create: "/api/v3/ins/sls-reports",
    computation: "/api/v3/ins/sls-reports/computation", validateName: "/api/v3/ins/sls-reports/validate/name",
  },
  {
    key: "aqs", short: "AQS", title: "Audience quality score (AQS)", list: "/api/v3/ins/aqs-reports", rows: "reportDataList",
    id: "reportId", name: "reportName", status: "statusName", created: "reportCreatedOn", download: "/api/v3/ins/aqs-reports/download",
    idField: "reportId", urlKey: "reportUrl", idsParam: "reportIds", tzField: "campaignTimeZoneId", seconds: true, files: [[1, "XLSX"], [2, "CSV"]],
    campaigns: "/api/v3/ins/aqs-reports/campaigns", create: "/api/v3/ins/aqs-reports",
    computation: "/api/v3/ins/aqs-reports/computation", validateName: "/api/v3/ins/aqs-reports/validate/name",
  },
];
