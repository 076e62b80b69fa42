// src/log's public surface: ldirectord's logger, its formats and the monitorfile.

export { createLdLogger, LogOptionsError, type LdLogger, type LdLoggerOptions, type LogMode } from './logger.js';
export { perlLocaltime } from './perl-time.js';
export { chomp, fileLine, supervisedLine, bareLine, debugLine } from './format.js';
export { isSyslogTarget, SyslogFacilityError, SYSLOG_FACILITIES, type SyslogFacility } from './syslog.js';
export { MonitorFile, monitorLine, monitorRealId, escapeMonitorMessage, type MonitorFileOptions } from './monitorfile.js';
export type { Logger } from './types.js';
