// What the simulator measures, all from ground truth: one flat object of numbers, so the report can
// average, pair and compare every KPI alike, and the table saying what each one means (label, unit,
// and which direction is good). Means and percentiles over nothing are 0, so every value is a number;
// the order-proposal shares are NaN (shown as '-') for a run that had no proposals.

export interface Kpis {
  /** (SKU, open tick) pairs with truth shelf > 0, %. */
  osaPct: number
  /** SKU-days (days with an open tick) with the shelf empty at some open tick, %. */
  stockoutRatePct: number
  /** SKU-days with none of the SKU findable anywhere in the store (shelf, backroom, dock) at some open tick, %: the orders' share of stockouts. */
  storeStockoutRatePct: number
  salesUnits: number
  /** Wanted and not sold, units. */
  lostSalesUnits: number
  /** Lost units x unit price. */
  lostSalesRevenue: number
  /** Lost / wanted, %. */
  lostSalesPct: number
  /** Episodes of record > 0 with nothing findable (shelf + backroom + receiving = 0). */
  phantomIncidents: number
  /** Mean phantom episode length, hours (still-open ones measured to the last snapshot). */
  phantomHoursMean: number
  /** Median phantom episode length, hours: how long a phantom typically goes unfound. */
  phantomHoursMedian: number
  phantomOpenAtEnd: number
  /** Counts done (count tasks and calendar counts). Set after the run from the policy or the server. */
  countsDone: number
  /** Share of counts that found the record wrong, %. */
  countPrecisionPct: number
  /** What counting a SKU at random would find: 100 - mean record accuracy, %. */
  randomCountPrecisionPct: number
  /** Mean over hourly snapshots of SKUs whose record total equals the truth total, %. */
  recordAccuracyPct: number
  recordAccuracyEndPct: number
  /** Shelf first seen empty to first seen stocked again, minutes, closed episodes. */
  replenishmentMinMean: number
  replenishmentMinP90: number
  /** Empty-shelf episodes opened (closed or not). */
  emptyEpisodes: number
  /** Carton arrival to put-away, minutes. */
  dwellMinMean: number
  dwellMinP90: number
  /** Mean minutes from a carton's receipt scan to its put-away: the part of dwell the store's work order decides. */
  dwellAfterReceiptMinMean: number
  cartonsWaitingAtEnd: number
  laborMin: number
  laborMinPerTask: number
  /** Labor of fills and fill walks / units they shelved, minutes per unit. */
  laborMinPerUnitShelved: number
  /** Every minute spent moving stock (put-away, fill, walk) per unit that reached the shelf. */
  laborMinPerUnitOnShelf: number
  tasks: number
  laborMin_fill: number
  laborMin_putaway: number
  laborMin_count: number
  laborMin_receive: number
  laborMin_walk: number
  /** The manager's evening review of order proposals, minutes (counted in laborMin). */
  laborMin_orders: number
  exceptions: number
  exceptionsResolved: number
  /** Opening to the first snapshot where record equals truth, hours, resolved ones. */
  exceptionResolutionHoursMean: number
  /** Truth units / mean daily demand at each day's end, days, mean over SKU-days. */
  daysOfSupplyMean: number
  /**
   * The store's units on hand / its daily demand at each day's end, mean over days: the usual
   * inventory figure, weighted by volume (the SKU mean above is dominated by slow movers, whose
   * one case is weeks of supply).
   */
  daysOfSupplyStore: number
  orders: number
  unitsOrdered: number
  /** Cartons (cases) that reached the dock. */
  casesReceived: number
  /** Order proposals the server's governance or the manager decided (store-edge on the proposals API; NaN otherwise). */
  proposalsDecided: number
  /** Of those, approved by the server's governance on its own, %. */
  proposalsAutoApprovedPct: number
  /** Of the proposals the manager decided, modified or rejected, %. */
  managerOverridePct: number
  /** Modified or rejected by the manager, of all proposals decided, %. */
  overridePctOfAllProposals: number
  /** Labor minutes per weekday (mean over the run's days of each weekday): peak weekday / mean of the weekdays. */
  laborPeakToMean: number
  /** The same for cases received. */
  casesReceivedPeakToMean: number
}

export type KpiKey = keyof Kpis

export interface KpiMeta {
  label: string
  unit: string
  /** Which way is good; 'none' where a change is neither (how labor splits, how much is ordered). */
  better: 'higher' | 'lower' | 'none'
}

// Order here is the order of the report's rows. Typed over every key, so a new KPI without a
// meaning does not compile.
export const KPI_META: Readonly<Record<KpiKey, KpiMeta>> = {
  osaPct: { label: 'On-shelf availability', unit: '%', better: 'higher' },
  stockoutRatePct: { label: 'Stockout rate (SKU-days)', unit: '%', better: 'lower' },
  // The shelf can be empty with stock in the backroom (a fill's job); empty in the whole store is the order's.
  storeStockoutRatePct: { label: 'Store stockout rate, none in the store (SKU-days)', unit: '%', better: 'lower' },
  salesUnits: { label: 'Sales', unit: 'units', better: 'higher' },
  lostSalesUnits: { label: 'Lost sales', unit: 'units', better: 'lower' },
  lostSalesRevenue: { label: 'Lost sales revenue', unit: '$', better: 'lower' },
  lostSalesPct: { label: 'Lost sales share of demand', unit: '%', better: 'lower' },
  phantomIncidents: { label: 'Phantom inventory incidents', unit: 'episodes', better: 'lower' },
  phantomHoursMean: { label: 'Phantom episode length', unit: 'h', better: 'lower' },
  phantomHoursMedian: { label: 'Phantom episode length, median', unit: 'h', better: 'lower' },
  phantomOpenAtEnd: { label: 'Phantom episodes open at end', unit: 'SKUs', better: 'lower' },
  countsDone: { label: 'Counts done', unit: 'counts', better: 'none' },
  countPrecisionPct: { label: 'Count precision (found the record wrong)', unit: '%', better: 'higher' },
  // A baseline, not a score: how often a count at random would find something.
  randomCountPrecisionPct: { label: 'Random-count precision (100 - record accuracy)', unit: '%', better: 'none' },
  recordAccuracyPct: { label: 'Record accuracy', unit: '%', better: 'higher' },
  recordAccuracyEndPct: { label: 'Record accuracy at end', unit: '%', better: 'higher' },
  replenishmentMinMean: { label: 'Empty shelf to refilled, mean', unit: 'min', better: 'lower' },
  replenishmentMinP90: { label: 'Empty shelf to refilled, p90', unit: 'min', better: 'lower' },
  emptyEpisodes: { label: 'Empty-shelf episodes', unit: 'episodes', better: 'lower' },
  dwellMinMean: { label: 'Carton dwell in receiving, mean', unit: 'min', better: 'lower' },
  dwellMinP90: { label: 'Carton dwell in receiving, p90', unit: 'min', better: 'lower' },
  dwellAfterReceiptMinMean: { label: 'Carton dwell after its receipt scan, mean', unit: 'min', better: 'lower' },
  cartonsWaitingAtEnd: { label: 'Cartons waiting at end', unit: 'cartons', better: 'lower' },
  laborMin: { label: 'Labor', unit: 'min', better: 'lower' },
  laborMinPerTask: { label: 'Labor per task', unit: 'min', better: 'none' },
  laborMinPerUnitShelved: { label: 'Fill labor per unit shelved', unit: 'min/unit', better: 'lower' },
  // Put-away counts too: sending a carton straight to the shelf saves the backroom round trip.
  laborMinPerUnitOnShelf: { label: 'Put-away + fill labor per unit shelved', unit: 'min/unit', better: 'lower' },
  tasks: { label: 'Tasks done', unit: 'tasks', better: 'none' },
  laborMin_fill: { label: 'Labor: fill', unit: 'min', better: 'none' },
  laborMin_putaway: { label: 'Labor: put-away', unit: 'min', better: 'none' },
  laborMin_count: { label: 'Labor: count', unit: 'min', better: 'none' },
  laborMin_receive: { label: 'Labor: receive', unit: 'min', better: 'none' },
  // Walking moves no stock: less of it is better whatever else changes.
  laborMin_walk: { label: 'Labor: walk', unit: 'min', better: 'lower' },
  laborMin_orders: { label: 'Labor: order review', unit: 'min', better: 'none' },
  // A store staffs for its busiest day: the flatter the week, the better.
  laborPeakToMean: { label: 'Labor, peak weekday / weekday mean', unit: 'ratio', better: 'lower' },
  // The world injects errors at set rates, whichever policy runs: a count, not a score.
  exceptions: { label: 'Exceptions opened', unit: 'exceptions', better: 'none' },
  exceptionsResolved: { label: 'Exceptions resolved', unit: 'exceptions', better: 'higher' },
  exceptionResolutionHoursMean: { label: 'Exception resolution time', unit: 'h', better: 'lower' },
  // Too little runs out, too much ties up money: judged next to availability, not alone.
  daysOfSupplyMean: { label: 'Days of supply, mean over SKUs', unit: 'days', better: 'none' },
  daysOfSupplyStore: { label: 'Days of supply, store (units / daily demand)', unit: 'days', better: 'none' },
  orders: { label: 'Orders placed', unit: 'orders', better: 'none' },
  unitsOrdered: { label: 'Units ordered', unit: 'units', better: 'none' },
  casesReceived: { label: 'Cases received', unit: 'cases', better: 'none' },
  casesReceivedPeakToMean: { label: 'Cases received, peak weekday / weekday mean', unit: 'ratio', better: 'lower' },
  // Only store-edge on the proposals API has these: a share, not a score (a good proposal is approved either way).
  proposalsDecided: { label: 'Order proposals decided', unit: 'proposals', better: 'none' },
  proposalsAutoApprovedPct: { label: 'Order proposals auto-approved', unit: '%', better: 'none' },
  managerOverridePct: { label: 'Manager overrides (modified + rejected) of their decisions', unit: '%', better: 'none' },
  overridePctOfAllProposals: { label: 'Manager overrides of all proposals', unit: '%', better: 'none' }
}
