// The per-SKU demand forecast (issue 6): the order proposals' view of it.

export type { DayFlags, DemandClass, DemandHistory, Forecast, ForecastError } from './types.js'
export type { ForecastOptions, LevelMethod } from './options.js'
export { DEFAULTS as FORECAST_DEFAULTS } from './options.js'
export { forecast } from './forecast.js'
export { classify, ADI_CUT, CV2_CUT } from './classify.js'
export { rmsse } from './error.js'
