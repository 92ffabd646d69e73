import { useEffect, useRef, useState, type ReactNode } from 'react';
import type { EChartsCoreOption, EChartsType } from 'echarts/core';
import { ApiError } from './api.ts';

export type Loaded<T> =
  | { state: 'loading' }
  | { state: 'ok'; data: T; at: number }
  | { state: 'unavailable'; error: ApiError }
  | { state: 'error'; error: Error };

/** Loads `load()` now, whenever `deps` change, and every `refreshMs` if given. */
export function useApi<T>(load: () => Promise<T>, deps: unknown[], refreshMs?: number): Loaded<T> {
  const [value, setValue] = useState<Loaded<T>>({ state: 'loading' });
  useEffect(() => {
    let live = true;
    setValue({ state: 'loading' });
    const run = () =>
      load().then(
        (data) => live && setValue({ state: 'ok', data, at: Date.now() }),
        (error: Error) =>
          live &&
          setValue(
            error instanceof ApiError && error.unavailable
              ? { state: 'unavailable', error }
              : { state: 'error', error },
          ),
      );
    void run();
    const timer = refreshMs === undefined ? undefined : setInterval(run, refreshMs);
    return () => {
      live = false;
      if (timer !== undefined) clearInterval(timer);
    };
  }, deps);
  return value;
}

/** Renders a loaded value, or a clear loading / not-available / error state in its place. */
export function Show<T>({
  value,
  what,
  children,
}: {
  value: Loaded<T>;
  what: string;
  children: (data: T) => ReactNode;
}) {
  if (value.state === 'loading') return <p className="note">Loading {what}…</p>;
  if (value.state === 'unavailable')
    return (
      <div className="unavailable" data-state="unavailable">
        <strong>{what}: not available from this service yet.</strong> The service does not serve{' '}
        <code>{value.error.path}</code> yet; this panel fills in once it does.
      </div>
    );
  if (value.state === 'error')
    return (
      <div className="error" data-state="error">
        <strong>{what}: could not be loaded.</strong> {value.error.message}
      </div>
    );
  return <>{children(value.data)}</>;
}

/** Time-axis labels in UTC: hours and minutes, the date (MM-DD) at each day's start. */
export const TIME_LABELS = {
  hideOverlap: true,
  formatter: (value: number) => {
    const iso = new Date(value).toISOString();
    return iso.slice(11, 16) === '00:00' ? iso.slice(5, 10) : iso.slice(11, 16);
  },
};

/** ECharts, loaded once, when the first chart is drawn (a page's tables show before it); the world outline with it
 * for the chart that draws the map. */
const loadCharts = (map: 'world' | undefined) => (map === 'world' ? import('./world.ts') : import('./charts.ts'));

export function Chart({
  option,
  height = 320,
  id,
  map,
}: {
  option: EChartsCoreOption;
  height?: number;
  id?: string;
  /** The chart draws the map "world" (registered before the first draw). */
  map?: 'world';
}) {
  const ref = useRef<HTMLDivElement>(null);
  const chart = useRef<EChartsType | null>(null);
  const latest = useRef(option);
  latest.current = option;
  // Every time on the dashboard is UTC, in charts too (ECharts would use the browser's time zone).
  const draw = (o: EChartsCoreOption) => chart.current?.setOption({ useUTC: true, ...o }, { notMerge: true });
  useEffect(() => {
    let live = true;
    // A window of no size (a tab being closed) would give the world map a singular transform and ECharts throws:
    // only resize to a real size.
    const resize = () => {
      if (ref.current !== null && ref.current.clientWidth > 0 && ref.current.clientHeight > 0) chart.current?.resize();
    };
    void loadCharts(map).then(({ echarts }) => {
      if (!live || ref.current === null) return;
      chart.current = echarts.init(ref.current);
      draw(latest.current);
    });
    window.addEventListener('resize', resize);
    return () => {
      live = false;
      window.removeEventListener('resize', resize);
      chart.current?.dispose();
      chart.current = null;
    };
  }, []);
  useEffect(() => {
    draw(option);
  }, [option]);
  return <div className="chart" id={id} ref={ref} style={{ height }} />;
}

export function Figure({ label, value, id, title }: { label: string; value: string; id?: string; title?: string }) {
  return (
    <div className="figure" title={title}>
      <div className="figure-label">{label}</div>
      <div className="figure-value" data-figure={id}>
        {value}
      </div>
    </div>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return <p className="empty">{children}</p>;
}
