// swift-tools-version:6.0
import PackageDescription

let strict: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "wc-api-server",
    products: [
        .executable(name: "wc-api-server", targets: ["wc-api-server"]),
        .executable(name: "http-bench-server", targets: ["http-bench-server"]),
    ],
    targets: [
        // C shims: epoll/eventfd/timerfd (Glibc's overlay does not expose them), libsqlite3 and libpq.
        .target(name: "CLinux"),
        .systemLibrary(name: "CSQLite", providers: [.apt(["libsqlite3-dev"])]),
        .systemLibrary(name: "CCrypto", providers: [.apt(["libssl-dev"])]),
        .systemLibrary(name: "CPostgres", pkgConfig: "libpq", providers: [.apt(["libpq-dev"])]),

        // Layers.
        .target(name: "HTTP", dependencies: ["CLinux"], swiftSettings: strict),
        .target(name: "SQLite", dependencies: ["CSQLite"], swiftSettings: strict),
        // The libpq driver (issue 12).
        .target(name: "Postgres", dependencies: ["CPostgres"], swiftSettings: strict),
        // The store's one seam: a connection and its statements over SQLite or PostgreSQL (issue 12).
        .target(name: "Storage", dependencies: ["SQLite", "Postgres"], swiftSettings: strict),
        .target(
            name: "WooAPI", dependencies: ["HTTP", "SQLite", "Postgres", "Storage", "CCrypto", "CLinux"],
            // The top-level schema.sql, schema.postgres.sql and schema.citus.sql (via symlinks), compiled into the
            // binary so the server needs no data files.
            resources: [.embedInCode("Store/schema.sql"), .embedInCode("Store/schema.postgres.sql"),
                        .embedInCode("Store/schema.citus.sql")],
            swiftSettings: strict),
        // A throw-away PostgreSQL cluster (initdb + pg_ctl from the postgresql package) for the test targets.
        .target(name: "PostgresTestSupport", dependencies: ["Postgres"], swiftSettings: strict),
        // The end-to-end APIs' stores go on that cluster with WC_API_TEST_BACKEND=postgres (TestBackend.swift).
        .target(
            name: "TestSupport", dependencies: ["HTTP", "WooAPI", "Postgres", "PostgresTestSupport"],
            swiftSettings: strict),

        // Executables.
        .executableTarget(
            name: "wc-api-server", dependencies: ["WooAPI", "HTTP", "SQLite", "Postgres", "Storage"],
            swiftSettings: strict),
        .executableTarget(name: "http-bench-server", dependencies: ["HTTP"], swiftSettings: strict),

        // Tests.
        .testTarget(name: "HTTPTests", dependencies: ["HTTP", "TestSupport"], swiftSettings: strict),
        .testTarget(name: "SQLiteTests", dependencies: ["SQLite"], swiftSettings: strict),
        // Start their own throw-away PostgreSQL cluster (initdb + pg_ctl from the postgresql package).
        .testTarget(name: "PostgresTests", dependencies: ["Postgres", "PostgresTestSupport"], swiftSettings: strict),
        // The seam against both back ends.
        .testTarget(
            name: "StorageTests", dependencies: ["Storage", "SQLite", "Postgres", "PostgresTestSupport"],
            swiftSettings: strict),
        // schema.postgres.sql against schema.sql: parity, trigger behaviour, migrations under the advisory lock.
        .testTarget(
            name: "PostgresSchemaTests", dependencies: ["WooAPI", "Postgres", "SQLite", "PostgresTestSupport"],
            swiftSettings: strict),
        .testTarget(
            name: "WooAPITests", dependencies: ["WooAPI", "HTTP", "Storage", "SQLite", "TestSupport"], swiftSettings: strict),
        // Runs the built wc-api-server binary: exit codes, output, crash durability.
        .testTarget(
            name: "CLITests",
            dependencies: [
                "WooAPI", "SQLite", "Postgres", "Storage", "TestSupport", "PostgresTestSupport", "wc-api-server",
            ],
            swiftSettings: strict),
    ]
)
