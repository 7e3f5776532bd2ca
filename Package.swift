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
        // The libpq driver (issue 12, step 1); nothing depends on it yet.
        .target(name: "Postgres", dependencies: ["CPostgres"], swiftSettings: strict),
        .target(
            name: "WooAPI", dependencies: ["HTTP", "SQLite", "CCrypto", "CLinux"],
            // The top-level schema.sql (via a symlink), compiled into the binary so the server needs no data files.
            resources: [.embedInCode("Store/schema.sql")], swiftSettings: strict),
        .target(name: "TestSupport", dependencies: ["HTTP", "WooAPI"], swiftSettings: strict),

        // Executables.
        .executableTarget(name: "wc-api-server", dependencies: ["WooAPI", "HTTP", "SQLite"], swiftSettings: strict),
        .executableTarget(name: "http-bench-server", dependencies: ["HTTP"], swiftSettings: strict),

        // Tests.
        .testTarget(name: "HTTPTests", dependencies: ["HTTP", "TestSupport"], swiftSettings: strict),
        .testTarget(name: "SQLiteTests", dependencies: ["SQLite"], swiftSettings: strict),
        // Starts its own throw-away PostgreSQL cluster (initdb + pg_ctl from the postgresql package).
        .testTarget(name: "PostgresTests", dependencies: ["Postgres"], swiftSettings: strict),
        .testTarget(name: "WooAPITests", dependencies: ["WooAPI", "HTTP", "TestSupport"], swiftSettings: strict),
        // Runs the built wc-api-server binary: exit codes, output, crash durability.
        .testTarget(name: "CLITests", dependencies: ["WooAPI", "SQLite", "TestSupport", "wc-api-server"], swiftSettings: strict),
    ]
)
