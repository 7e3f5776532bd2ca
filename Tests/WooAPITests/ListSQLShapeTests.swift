@testable import WooAPI
import XCTest

/// Issue 9: what a list request may vary chooses among few SQL texts. Repeated `filter[orderby]` keys name each
/// column once, and only the common shapes are kept prepared; the rest are prepared per request.
final class ListSQLShapeTests: XCTestCase {
    private func customers(_ query: String) throws -> CustomerQuery {
        try CustomerQuery(parameters: QueryParameters(parsing: query))
    }

    private func products(_ query: String) throws -> ProductQuery {
        try ProductQuery(parameters: QueryParameters(parsing: query))
    }

    private func orders(_ query: String) throws -> OrderQuery {
        try OrderQuery(parameters: QueryParameters(parsing: query))
    }

    func testCustomerOrderbyNamesEachColumnOnceWhereFirstNamed() throws {
        let query = try customers("filter[orderby]=email,id email ID user_registered registered id")
        XCTAssertEqual(query.orderBy, ["u.email", "u.id", "u.created_at"])
        XCTAssertEqual(try customers("filter[orderby]=bogus nonsense,login").orderBy, ["u.username"])
        XCTAssertEqual(try customers("filter[orderby]=email bogus email").orderBy, ["u.email", "u.username"])
    }

    func testPostOrderbyNamesEachColumnOnceWhereFirstNamed() throws {
        let query = try products("filter[orderby]=title post_title bogus date name title post_date")
        XCTAssertEqual(query.post.orderBy, ["p.title", "p.created_at", "p.slug"])
        XCTAssertEqual(try orders("filter[orderby]=ID id modified ID").post.orderBy, ["o.id", "o.updated_at"])
        XCTAssertEqual(try orders("filter[orderby]=title bogus").post.orderBy, ["o.created_at"])
    }

    func testOnlyCommonCustomerListShapesAreCached() throws {
        for common in ["", "filter[orderby]=email&filter[order]=DESC", "filter[orderby]=id id&page=4",
                       "filter[role]=administrator&filter[limit]=50"] {
            XCTAssertTrue(try customers(common).hasCommonShape, common)
        }
        for rare in ["filter[orderby]=email id", "filter[q]=bob", "filter[created_at_min]=2024-01-01",
                     "filter[created_at_max]=x", "filter[role]=customer,administrator", "filter[limit]=-1"] {
            XCTAssertFalse(try customers(rare).hasCommonShape, rare)
        }
    }

    func testOnlyCommonProductAndOrderShapesAreCached() throws {
        for common in ["", "filter[orderby]=title&filter[order]=ASC", "filter[post_status]=any", "page=3"] {
            XCTAssertTrue(try products(common).hasCommonShape, common)
            XCTAssertTrue(try orders(common).hasCommonShape, common)
        }
        XCTAssertTrue(try orders("status=processing,completed").hasCommonShape)
        for rare in ["filter[orderby]=date modified", "filter[in]=1,2", "filter[updated_at_min]=2024-01-01",
                     "filter[limit]=-1"] {
            XCTAssertFalse(try products(rare).hasCommonShape, rare)
            XCTAssertFalse(try orders(rare).hasCommonShape, rare)
        }
        for rare in ["filter[q]=shirt", "filter[sku]=RED", "type=variable", "filter[category]=hats"] {
            XCTAssertFalse(try products(rare).hasCommonShape, rare)
            XCTAssertFalse(try products(rare).hasCommonFilters, rare)
        }
        // The count ignores order and page size, so its statement stays cached for those.
        XCTAssertTrue(try products("filter[orderby]=date title&filter[limit]=-1").hasCommonFilters)
        XCTAssertTrue(try orders("filter[orderby]=date title&filter[limit]=-1").hasCommonFilters)
        XCTAssertFalse(try orders("filter[in]=7").hasCommonFilters)
    }
}
