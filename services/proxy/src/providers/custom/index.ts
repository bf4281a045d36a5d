// User-defined providers (TOKENTAP_PROVIDERS): config loading and validation, the matcher the
// proxy consults before the built-in registry, the field-map dialect, and live reload.

export {
  BUILTIN_DIALECTS,
  type BuiltinDialectName,
  CONFIG_VARIABLE,
  type CustomProviderConfig,
  type FieldMap,
  loadProvidersConfig,
  type ProvidersConfig,
  parseProvidersConfig,
} from './config.ts'
export { fieldMapDialect, valueAtPath } from './field-dialect.ts'
export {
  type CustomProviders,
  type CustomProvidersOptions,
  createCustomProviders,
  pathGlobToRegExp,
  unknownDialect,
} from './providers.ts'
export { watchProvidersConfig } from './watch.ts'
