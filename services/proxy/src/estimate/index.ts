// Token estimates (usage_source = estimated) for exchanges without provider usage.

export { extractRequestText } from './request-text.ts'
export {
  countTokens,
  type EncodingName,
  encodingForModel,
  estimateTokens,
  preloadEncodings,
} from './tokens.ts'
