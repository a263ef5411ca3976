// Worker thread for render-thread.ts: loads the rendering libraries as soon as it starts (on the
// second core, while the main thread collects and analyses), then renders each batch of reports
// it is sent, without PDFs (the browser belongs to the main thread).
import { parentPort } from "node:worker_threads";
import type { ReportDocument } from "../../core/reports/document.js";
import { preloadRenderer, renderReports } from "./render-report.js";

/** One batch to render, as the main thread posts it. */
export interface RenderJob {
  id: number;
  documents: ReportDocument[];
}

preloadRenderer();

parentPort?.on("message", (job: RenderJob) => {
  renderReports(job.documents, { pdf: false }).then(
    ({ reports }) => parentPort?.postMessage({ id: job.id, reports }),
    (error: unknown) =>
      parentPort?.postMessage({
        id: job.id,
        error:
          error instanceof Error
            ? { name: error.name, message: error.message, stack: error.stack }
            : { name: "Error", message: String(error) },
      }),
  );
});
