// Runs before every test file. The SDK's Node 22 notice and the functions' info
// logs say nothing about the behaviour under test; errors are still logged.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
process.env.POWERTOOLS_LOG_LEVEL ??= 'WARN';
