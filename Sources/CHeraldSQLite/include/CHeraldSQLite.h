#ifndef C_HERALD_SQLITE_H
#define C_HERALD_SQLITE_H

/// The result code of `sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0)`, made when the process loaded Herald (before any
/// SQLite call, which would make the setting too late): SQLITE_OK when SQLite keeps no memory statistics.
///
/// A C target because `sqlite3_config` is variadic, which Swift cannot call.
int herald_sqlite_memory_statistics_result(void);

#endif
