export { ADMIN_GROUP, type AuthMode, type Caller, type CallerFor, authorize, groupsOf } from './auth';
export { errorResult, problemErrorHandler } from './error-handler';
export { ForbiddenError, PayloadTooLargeError, UnauthorizedError } from './errors';
export { type HttpLambdaHandler, type HttpRequest, type HttpSpec, httpHandler } from './http-handler';
export { logger } from './logger';
export { INTERNAL_PROBLEM, PROBLEM_CONTENT_TYPE, PROBLEMS, type ProblemDocument, problemDocument, problemResult } from './problem';
export { MAX_BODY_BYTES, type Parsed, type RequestHeaders, parseRequest, rawBody } from './request';
export { type HttpResult, JSON_CONTENT_TYPE, json, noContent, toStructuredResult } from './response';
