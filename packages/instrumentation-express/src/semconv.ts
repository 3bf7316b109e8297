/** Attributes of the optional middleware spans, as upstream's Express instrumentation names them. */
export const ATTR_EXPRESS_NAME = 'express.name' as const;
export const ATTR_EXPRESS_TYPE = 'express.type' as const;

export const EXPRESS_TYPE_VALUE_MIDDLEWARE = 'middleware' as const;
export const EXPRESS_TYPE_VALUE_ROUTER = 'router' as const;
export const EXPRESS_TYPE_VALUE_REQUEST_HANDLER = 'request_handler' as const;
