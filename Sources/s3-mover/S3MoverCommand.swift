import ArgumentParser

struct S3MoverCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "s3-mover",
        abstract: "Moves avatar images from image/ in a legacy S3 bucket to avatar/ in the production bucket, and repoints their database rows.",
        discussion: """
        Every object is copied server-side, then its row is updated (UPDATE <table> SET <column> = new WHERE <column> = old), \
        then the work is reported done. Each step is idempotent, so repeats and restarts are safe.

        With no subcommand, s3-mover runs the worker. `s3-mover --backfill` runs the backfill.

        THE CUTOVER: notifications on → worker → backfill → verify --deep → switch the application → \
        backfill --from-rows → finalize --delete-source (a dry run; then --yes). The way back: rollback.

        SETTINGS (environment variables; a .env file in the working directory is read too, real variables win; flags win over both):
          DB_CONN_STRING            PostgreSQL conninfo or URI, passed to libpq as is       --db-conn-string
          DB_TABLE                  table holding the paths (default avatars)              --db-table
          DB_PATH_COLUMN            column holding the path (default path)                 --db-path-column
          DB_TARGETS                several columns: avatars.path,users.avatar_url         --db-targets
          DB_SOURCE_PATH_FORMAT, DB_DEST_PATH_FORMAT   a column's value, e.g. https://cdn.example.com/{key} (default {key})
          S3_SOURCE_BUCKET_NAME     legacy bucket                                          --source-bucket
          S3_DEST_BUCKET_NAME       production bucket                                      --dest-bucket
          S3_OBJECT_SOURCE_PREFIX   source folder (default image)                          --source-prefix
          S3_OBJECT_DEST_PREFIX     destination folder (default avatar)                    --dest-prefix
          S3_OBJECT_SUFFIX          only keys ending so (default .png)                     --suffix
          SQS_QUEUE_URL             queue receiving the bucket's ObjectCreated events      --queue-url
          S3_STORAGE_CLASS          the copies' storage class (default: the source's)      --storage-class
          S3_SSE, S3_SSE_KMS_KEY_ID, S3_SSE_BUCKET_KEY   encryption of the copies         --sse, --sse-kms-key-id, --sse-bucket-key
          S3_ACL                    canned ACL of the copies (bucket-owner-full-control)   --acl
          S3_SOURCE_EXPECTED_OWNER, S3_DEST_EXPECTED_OWNER   12-digit bucket owners       --source-expected-owner, --dest-expected-owner
          S3_SOURCE_REQUESTER_PAYS  true when the source bucket is requester-pays          --source-requester-pays
          S3_SOURCE_REGION, S3_DEST_REGION   the buckets' regions (default: discovered)   --source-region, --dest-region
          AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN   credentials
          AWS_REGION / AWS_DEFAULT_REGION                               region
          AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_S3, AWS_ENDPOINT_URL_SQS   custom endpoints (path-style S3)
          LOG_LEVEL                 trace, debug, info (default), notice, warning, error

        EXIT CODES: 0 success; 1 some objects failed or the migration is incomplete; 2 a missing or invalid setting; \
        3 a dependency (S3, SQS, PostgreSQL) refused or could not be reached at start.
        """,
        subcommands: [WorkerCommand.self, BackfillCommand.self, SeedCommand.self, VerifyCommand.self, RollbackCommand.self, FinalizeCommand.self],
        defaultSubcommand: WorkerCommand.self
    )
}
