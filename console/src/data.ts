// Queries shared by several pages.
import { useQuery } from "@tanstack/react-query";
import { get, send } from "./api";

export const CAMPAIGN_STATUSES = ["running", "pending", "paused", "draft", "expired", "rejected", "deleted"];

export interface CampaignBasic { campaignId: number; name: string; status: string; timezoneId: number; startTime: number; endTime?: number }

/** Campaign id → its basic facts (name, status, timezone id, start/end in epoch seconds), one call for any set of
 *  ids: the v2 campaign list has no timezone, and insight eligibility lists only ids. */
export function useCampaignBasics(ids: (string | number)[]) {
  return useQuery({
    queryKey: ["campaign-basics", ids.join(",")],
    enabled: ids.length > 0,
    staleTime: 60_000,
    queryFn: async () => {
      const d = await send<{ ioCampaignsList: { campaigns: CampaignBasic[] }[] }>(
        "POST", "/api/v3/cmp/io/campaign/basic/list", { campaignIds: ids.map(Number), status: CAMPAIGN_STATUSES, noOfEntries: 500 });
      return new Map(d.ioCampaignsList.flatMap((g) => g.campaigns.map((c) => [String(c.campaignId), c] as const)));
    },
  });
}

/** Campaign id → its timezone id. */
export function useCampaignZones(ids: (string | number)[]) {
  const basics = useCampaignBasics(ids);
  return { ...basics, data: basics.data ? new Map([...basics.data].map(([id, c]) => [id, c.timezoneId] as const)) : undefined };
}

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
  isApproved?: boolean;
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
