// Pricing: cost_usd with provenance for each exchange (see pricer.ts for the precedence).

export { GENAI_PRICES_VERSION } from './genai.ts'
export {
  type CreditPriceOverride,
  loadPriceOverrides,
  type ModelPriceOverride,
  type PriceOverrides,
  parsePriceOverrides,
} from './overrides.ts'
export {
  createPricer,
  type PriceInput,
  type PriceResult,
  type Pricer,
  type PricerOptions,
  type PriceSource,
} from './pricer.ts'
