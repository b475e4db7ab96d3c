/// The PostgreSQL store for running several Herald instances on one shared database.
enum HeraldPostgres {}
