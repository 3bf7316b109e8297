/**
 * Incubating OpenTelemetry attribute keys this project writes, copied here as
 * constants so that no package imports `@opentelemetry/semantic-conventions/incubating`
 * at run time (it is large and its names may still change upstream).
 * Stable keys (`http.*`, `url.*`, `db.*`, `server.*`, `error.type`) come from
 * `@opentelemetry/semantic-conventions` itself.
 */

// file.* (https://opentelemetry.io/docs/specs/semconv/registry/attributes/file/)
export const ATTR_FILE_PATH = 'file.path' as const;
export const ATTR_FILE_NAME = 'file.name' as const;
export const ATTR_FILE_EXTENSION = 'file.extension' as const;
export const ATTR_FILE_SIZE = 'file.size' as const;
export const ATTR_FILE_DIRECTORY = 'file.directory' as const;

// gen_ai.* (https://opentelemetry.io/docs/specs/semconv/gen-ai/)
export const ATTR_GEN_AI_OPERATION_NAME = 'gen_ai.operation.name' as const;
export const ATTR_GEN_AI_PROVIDER_NAME = 'gen_ai.provider.name' as const;
export const ATTR_GEN_AI_AGENT_NAME = 'gen_ai.agent.name' as const;
export const ATTR_GEN_AI_AGENT_ID = 'gen_ai.agent.id' as const;
export const ATTR_GEN_AI_TOOL_NAME = 'gen_ai.tool.name' as const;
export const ATTR_GEN_AI_TOOL_CALL_ID = 'gen_ai.tool.call.id' as const;
export const ATTR_GEN_AI_TOOL_TYPE = 'gen_ai.tool.type' as const;
export const ATTR_GEN_AI_REQUEST_MODEL = 'gen_ai.request.model' as const;
export const ATTR_GEN_AI_RESPONSE_MODEL = 'gen_ai.response.model' as const;
export const ATTR_GEN_AI_RESPONSE_ID = 'gen_ai.response.id' as const;
export const ATTR_GEN_AI_RESPONSE_FINISH_REASONS = 'gen_ai.response.finish_reasons' as const;
export const ATTR_GEN_AI_USAGE_INPUT_TOKENS = 'gen_ai.usage.input_tokens' as const;
export const ATTR_GEN_AI_USAGE_OUTPUT_TOKENS = 'gen_ai.usage.output_tokens' as const;
export const ATTR_GEN_AI_CONVERSATION_ID = 'gen_ai.conversation.id' as const;
/**
 * Flattened messages (`gen_ai.prompt.<i>.role|content`, `gen_ai.completion.<i>.role|content`):
 * the older GenAI form that Agent Lightning's adapter still reads. Written only when content capture is on.
 */
export const ATTR_GEN_AI_PROMPT_PREFIX = 'gen_ai.prompt.' as const;
export const ATTR_GEN_AI_COMPLETION_PREFIX = 'gen_ai.completion.' as const;

export const GEN_AI_OPERATION_NAME_VALUE_INVOKE_WORKFLOW = 'invoke_workflow' as const;
export const GEN_AI_OPERATION_NAME_VALUE_INVOKE_AGENT = 'invoke_agent' as const;
export const GEN_AI_OPERATION_NAME_VALUE_EXECUTE_TOOL = 'execute_tool' as const;
export const GEN_AI_OPERATION_NAME_VALUE_CHAT = 'chat' as const;

// db.* (https://opentelemetry.io/docs/specs/semconv/registry/attributes/db/); the stable db.* keys
// come from @opentelemetry/semantic-conventions.
export const ATTR_DB_RESPONSE_RETURNED_ROWS = 'db.response.returned_rows' as const;
/**
 * Rows changed by an INSERT, UPDATE or DELETE. Not in the registry yet (proposed in
 * open-telemetry/semantic-conventions#3094); named after `db.response.returned_rows`.
 */
export const ATTR_DB_RESPONSE_AFFECTED_ROWS = 'db.response.affected_rows' as const;
export const DB_SYSTEM_NAME_VALUE_SQLITE = 'sqlite' as const;
