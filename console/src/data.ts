// Queries shared by several pages.
import { get, send } from "./api";

export interface IoRow {
  ioId: number;
  ioName: string;
  ioStartTime: number;
  ioEndTime: number;
  ioTotalBudget: number | null;
  ioTimeZoneId: number;
  ioBudgetTypeId: number;
  ioStatusId: number;
  isAutoSumIoTotalBudget: boolean;
  ioTotalImpressions?: number | null;
  ioBudgetDistributionMethodId?: number;
}

export interface CampaignDelivery {
  campaignId: number;
  campaignName: string;
  status: string;
  ioId?: number;
  budgetTotal: number | null;
  budgetDay: number | null;
  spent: number;
  impressions: number;
  clicks: number;
  CTR: number;
  eCPM: number;
  totalAttributedConversion?: number;
  expectedSpent?: number;
  pacingPercentage?: number;
  campaignTimezone?: string;
  startTime?: number;
  endTime?: number | null;
  [key: string]: unknown;
}

export async function allIos(): Promise<IoRow[]> {
  const data = await send<{ ioBasicDetailsList: IoRow[] }>("POST", "/api/v3/cmp/io/basic/list", { noOfEntries: 10000 });
  return data.ioBasicDetailsList ?? [];
}

export async function campaignsWithDelivery(ioIds: number[], extra: Record<string, unknown> = {}) {
  if (!ioIds.length) return { recordsList: [] as CampaignDelivery[], recordsTotal: null as Record<string, number> | null, totalRecords: 0, filteredRecords: 0 };
  return send<{ recordsList: CampaignDelivery[]; recordsTotal: Record<string, number> | null; totalRecords: number; filteredRecords: number }>(
    "POST", "/api/v3/cmp/io/campaigns/list", { ioIdsList: ioIds, noOfEntries: 500, sortBy: "-spent", ...extra });
}

export interface ReportResult {
  data: Record<string, any>[];
  total: Record<string, any>;
  totalRecords: number;
  columns?: unknown;
}

export async function executeReport(body: Record<string, unknown>): Promise<ReportResult> {
  return send<ReportResult>("POST", "/api/v3/ra/report/execute", body);
}

export async function staticList(path: string): Promise<{ id: number; name: string; label?: string }[]> {
  const d = await get<any>(path);
  return Array.isArray(d) ? d : d?.data ?? [];
}
