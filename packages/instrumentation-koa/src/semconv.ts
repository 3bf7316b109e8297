/** Attributes of the optional middleware spans, as upstream's Koa instrumentation names them. */
export const ATTR_KOA_NAME = 'koa.name' as const;
export const ATTR_KOA_TYPE = 'koa.type' as const;

export const KOA_TYPE_VALUE_MIDDLEWARE = 'middleware' as const;
export const KOA_TYPE_VALUE_ROUTER = 'router' as const;
