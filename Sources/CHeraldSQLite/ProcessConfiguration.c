#include "CHeraldSQLite.h"

#include <sqlite3.h>

// With memory statistics on (SQLite's default), every allocation SQLite makes and frees takes a process-wide mutex
// to keep the counters behind `sqlite3_memory_used()`, which Herald never reads. The system library is built
// without lookaside memory, so an insert makes many such allocations; on the single writer thread, those lock
// round trips were about 3% of its time per message.
//
// The setting is process-wide and only takes effect before SQLite initializes, which the first open, VFS lookup or
// `sqlite3_initialize` does. A constructor runs when the executable (or the test bundle) is loaded, before any
// Swift code, so nothing can come first.
static int memory_statistics_result = -1;

__attribute__((constructor)) static void herald_sqlite_configure_process(void) {
    memory_statistics_result = sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

int herald_sqlite_memory_statistics_result(void) {
    return memory_statistics_result;
}
