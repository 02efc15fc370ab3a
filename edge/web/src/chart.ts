// Charts with uPlot (small, MIT, bundled with the panel: no CDN). Time series over hours, and the
// calibration plot (predicted against observed).

import uPlot from 'uplot'

export interface Series { label: string, values: Array<number | null>, color: string, scale?: string, fill?: boolean }

const palette = { grid: '#e6e8ec', text: '#5b6472' }

function axes (yLabel: string, y2Label?: string): uPlot.Axis[] {
  const base = { stroke: palette.text, grid: { stroke: palette.grid }, ticks: { stroke: palette.grid } }
  const list: uPlot.Axis[] = [{ ...base }, { ...base, label: yLabel, scale: 'y' }]
  if (y2Label !== undefined) list.push({ ...base, label: y2Label, scale: 'y2', side: 1, grid: { show: false } })
  return list
}

/** A time chart: x in epoch seconds. Resizes with its container. */
export function timeChart (el: HTMLElement, x: number[], series: Series[], yLabel: string, y2Label?: string): () => void {
  const opts: uPlot.Options = {
    width: Math.max(280, el.clientWidth),
    height: 240,
    axes: axes(yLabel, y2Label),
    scales: { x: { time: true }, y: { auto: true, range: (_u, _min, max) => [0, Math.max(1, max * 1.1)] }, y2: { range: [0, 1] } },
    series: [{}, ...series.map((s) => ({ label: s.label, stroke: s.color, width: 2, scale: s.scale ?? 'y', fill: s.fill === true ? `${s.color}22` : undefined, spanGaps: true }))],
    legend: { live: true }
  }
  const plot = new uPlot(opts, [x, ...series.map((s) => s.values)] as uPlot.AlignedData, el)
  const ro = new ResizeObserver(() => { plot.setSize({ width: Math.max(280, el.clientWidth), height: 240 }) })
  ro.observe(el)
  return () => { ro.disconnect(); plot.destroy() }
}

/** Calibration: mean predicted against observed empty rate per score bin, and the diagonal. */
export function calibrationChart (el: HTMLElement, bins: Array<{ meanPredicted: number | null, observed: number | null }>): () => void {
  const pts = bins.filter((b) => b.meanPredicted !== null && b.observed !== null) as Array<{ meanPredicted: number, observed: number }>
  const x = [0, ...pts.map((b) => b.meanPredicted), 1]
  const observed = [null, ...pts.map((b) => b.observed), null]
  const opts: uPlot.Options = {
    width: Math.max(280, Math.min(480, el.clientWidth)),
    height: 260,
    axes: [{ stroke: palette.text, grid: { stroke: palette.grid }, label: 'predicted' }, { stroke: palette.text, grid: { stroke: palette.grid }, label: 'observed empty rate' }],
    scales: { x: { time: false, range: [0, 1] }, y: { range: [0, 1] } },
    series: [{}, { label: 'perfect', stroke: '#9aa3af', dash: [4, 4], width: 1 }, { label: 'observed', stroke: '#2563eb', width: 2, points: { size: 7 } }],
    legend: { live: false }
  }
  const plot = new uPlot(opts, [x, x, observed] as uPlot.AlignedData, el)
  return () => { plot.destroy() }
}
