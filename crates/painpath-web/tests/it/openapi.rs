//! `GET /api/openapi.json` against the route table: the document describes exactly the API that
//! is routed, no more and no less (design.md 6, contracts/server.md).

use std::collections::BTreeSet;

use painpath_web::access::Kind;
use painpath_web::router::table;
use serde_json::Value;

use crate::helpers::spawn;

/// The keys of an OpenAPI path item that are operations.
pub const HTTP_METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

async fn document() -> Value {
    let app = spawn().await;
    let r = app.get("/api/openapi.json").send().await;
    assert_eq!(r.status, 200, "{r:?}");
    assert!(
        r.header("content-type")
            .is_some_and(|t| t.starts_with("application/json")),
        "{r:?}"
    );
    r.json()
}

#[tokio::test]
async fn the_openapi_document_lists_exactly_the_api_routes_of_the_table() {
    let doc = document().await;
    let paths = doc["paths"].as_object().expect("the document has paths");
    let mut documented = BTreeSet::new();
    for (path, item) in paths {
        assert!(
            path.starts_with("/api/"),
            "{path} should be a full path under /api/"
        );
        let item = item.as_object().expect("a path item is an object");
        let methods: Vec<&String> = item
            .keys()
            .filter(|k| HTTP_METHODS.contains(&k.as_str()))
            .collect();
        assert!(!methods.is_empty(), "{path} documents no operation");
        for m in methods {
            documented.insert(format!("{} {path}", m.to_uppercase()));
        }
    }

    let rows = table();
    // Every API route under /api/, the document's own route included (contracts/server.md:
    // "describing every route under /api/"): no exception.
    let routed: BTreeSet<String> = rows
        .iter()
        .filter(|r| r.kind == Kind::Api && r.path.starts_with("/api/"))
        .map(|r| format!("{} {}", r.method, r.path))
        .collect();
    let only_documented: Vec<&String> = documented.difference(&routed).collect();
    let only_routed: Vec<&String> = routed.difference(&documented).collect();
    assert!(
        only_documented.is_empty() && only_routed.is_empty(),
        "documented but not routed: {only_documented:?}; routed but not documented: {only_routed:?}"
    );
    assert!(routed.len() >= 20, "only {} API routes?", routed.len());

    // No page is documented as API, and nothing outside /api/ is routed as API but /healthz.
    let outside: Vec<&str> = rows
        .iter()
        .filter(|r| r.kind == Kind::Api && !r.path.starts_with("/api/"))
        .map(|r| r.path)
        .collect();
    assert_eq!(outside, ["/healthz"]);
    for r in rows.iter().filter(|r| r.kind == Kind::Page) {
        assert!(
            !r.path.starts_with("/api/"),
            "{} is a page under /api/",
            r.path
        );
    }
}

#[tokio::test]
async fn the_openapi_document_is_openapi_3_without_a_servers_prefix() {
    let doc = document().await;
    let version = doc["openapi"].as_str().expect("an openapi version");
    assert!(version.starts_with("3."), "version {version}");
    assert!(doc["info"]["title"].is_string());
    // Paths are full paths from the server root: no `servers` entry adds a prefix to them.
    match &doc["servers"] {
        Value::Null => {}
        Value::Array(servers) => {
            for s in servers {
                assert_eq!(s["url"], "/", "a server would prefix every path: {s}");
            }
        }
        other => panic!("`servers` should be absent, found {other}"),
    }
}

#[tokio::test]
async fn the_health_check_answers_ok_once_the_database_is_reachable() {
    let app = spawn().await;
    let r = app.get("/healthz").send().await;
    assert_eq!(r.status, 200);
    assert_eq!(r.json(), serde_json::json!({"status": "ok"}));
}
