import { Worker } from "node:worker_threads";
import { InternalError } from "../../core/errors.js";
import type { RenderedReport } from "../../core/render/rendered.js";
import type { ReportDocument } from "../../core/reports/document.js";
import type { RenderJob } from "./render-worker.js";

/** A worker thread that renders reports (everything but PDFs) off the main thread. */
export interface RenderThread {
  /** Renders a batch, answering in its order; batches are rendered in the order sent. */
  render(documents: readonly ReportDocument[]): Promise<RenderedReport[]>;
  /** Stops the thread; batches still pending are rejected. */
  close(): Promise<void>;
}

type Answer =
  | { id: number; reports: RenderedReport[] }
  | { id: number; error: { name: string; message: string; stack?: string } };

// Only the built JavaScript can start a worker: tests run the TypeScript sources (rendering
// stays on their thread), and the Lambda bundle has no worker file beside it.
const WORKER_URL = import.meta.url.endsWith(".js")
  ? new URL("./render-worker.js", import.meta.url)
  : undefined;

/** One worker and the batches it owes. */
interface RenderWorker {
  render(documents: ReportDocument[]): Promise<RenderedReport[]>;
  close(): Promise<number>;
}

function startWorker(url: URL): RenderWorker {
  const worker = new Worker(url);
  // Idle, a worker must not keep the process alive; a batch in flight refs it again.
  worker.unref();
  const pending = new Map<
    number,
    { resolve: (r: RenderedReport[]) => void; reject: (e: Error) => void }
  >();
  let next = 0;
  let failure: Error | undefined;
  const failAll = (error: Error) => {
    failure = error;
    for (const { reject } of pending.values()) reject(error);
    pending.clear();
  };
  worker.on("message", (answer: Answer) => {
    const waiting = pending.get(answer.id);
    pending.delete(answer.id);
    if (pending.size === 0) worker.unref();
    if (waiting === undefined) return;
    if ("reports" in answer) return waiting.resolve(answer.reports);
    // Rebuilt with its class, so the CLI's exit code and message are the same as on one thread.
    const error =
      answer.error.name === "InternalError"
        ? new InternalError(answer.error.message)
        : new Error(answer.error.message);
    if (answer.error.stack !== undefined) error.stack = answer.error.stack;
    waiting.reject(error);
  });
  worker.on("error", (error) => failAll(error));
  worker.on("exit", (code) => {
    if (pending.size > 0) failAll(new InternalError(`the render thread stopped (exit ${code})`));
  });
  return {
    render(documents) {
      if (failure !== undefined) return Promise.reject(failure);
      const id = next++;
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject });
        worker.ref();
        worker.postMessage({ id, documents } satisfies RenderJob);
      });
    },
    close: () => worker.terminate(),
  };
}

/**
 * Starts the render thread now, so it loads Vega, MJML and resvg on the second core while this
 * thread collects and analyses; undefined where no worker can start (then render on this thread).
 * One thread, not one per core: measured on the portfolio, two workers loading the same libraries
 * slowed collecting more than sharing the reports saved.
 */
export function startRenderThread(): RenderThread | undefined {
  if (WORKER_URL === undefined) return undefined;
  const worker = startWorker(WORKER_URL);
  return {
    render: (documents) => worker.render([...documents]),
    async close() {
      await worker.close();
    },
  };
}
