import { lazy, Suspense } from "react";
import { Navigate, Route, Routes, useLocation } from "react-router-dom";
import { SessionProvider, useSession } from "./session";
import { Layout } from "./components/Layout";
import { LoginPage } from "./pages/Login";
import { DashboardPage } from "./pages/Dashboard";

const IosPage = lazy(() => import("./pages/Ios"));
const IoDetailPage = lazy(() => import("./pages/IoDetail"));
const CampaignsPage = lazy(() => import("./pages/Campaigns"));
const CampaignDetailPage = lazy(() => import("./pages/CampaignDetail"));
const CampaignFormPage = lazy(() => import("./pages/CampaignForm"));
const CreativesPage = lazy(() => import("./pages/Creatives"));
const ApprovalsPage = lazy(() => import("./pages/Approvals"));
const ReportsPage = lazy(() => import("./pages/Reports"));
const ReportBuilderPage = lazy(() => import("./pages/ReportBuilder"));
const InsightsPage = lazy(() => import("./pages/Insights"));
const FundsPage = lazy(() => import("./pages/Funds"));

function RequireSession({ children }: { children: JSX.Element }) {
  const { session } = useSession();
  const location = useLocation();
  if (!session) return <Navigate to="/login" replace state={{ from: location.pathname + location.search }} />;
  return children;
}

export function App() {
  return (
    <SessionProvider>
      <Routes>
        <Route path="/login" element={<LoginPage />} />
        <Route
          element={
            <RequireSession>
              <Layout />
            </RequireSession>
          }
        >
          <Route index element={<DashboardPage />} />
          <Route path="ios" element={<Lazy><IosPage /></Lazy>} />
          <Route path="ios/:ioId" element={<Lazy><IoDetailPage /></Lazy>} />
          <Route path="campaigns" element={<Lazy><CampaignsPage /></Lazy>} />
          <Route path="campaigns/new" element={<Lazy><CampaignFormPage /></Lazy>} />
          <Route path="campaigns/:campaignId" element={<Lazy><CampaignDetailPage /></Lazy>} />
          <Route path="campaigns/:campaignId/edit" element={<Lazy><CampaignFormPage /></Lazy>} />
          <Route path="creatives" element={<Lazy><CreativesPage /></Lazy>} />
          <Route path="approvals" element={<Lazy><ApprovalsPage /></Lazy>} />
          <Route path="reports" element={<Lazy><ReportsPage /></Lazy>} />
          <Route path="reports/new" element={<Lazy><ReportBuilderPage /></Lazy>} />
          <Route path="reports/:reportId" element={<Lazy><ReportBuilderPage /></Lazy>} />
          <Route path="insights" element={<Lazy><InsightsPage /></Lazy>} />
          <Route path="funds" element={<Lazy><FundsPage /></Lazy>} />
          <Route path="*" element={<p role="alert">This page does not exist.</p>} />
        </Route>
      </Routes>
    </SessionProvider>
  );
}

export function Lazy({ children }: { children: JSX.Element }) {
  return <Suspense fallback={<p aria-busy="true">Loading…</p>}>{children}</Suspense>;
}
