import Foundation
import HTTPTypes
public import Hummingbird
import NIOCore
import PostgresClient
import Workforce
import WorkforceOutput

/// What the page routes share: HTML responses, redirects, and running a page as its signed-in user.
enum Pages {
    /// An HTML page; never cached, since it shows one user's data.
    static func html(_ text: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(
            status: status,
            headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"],
            body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    /// 303 See Other: after a form post, the browser GETs `path`.
    static func redirect(_ path: String) -> Response {
        Response(status: .seeOther, headers: [.location: path, .cacheControl: "no-store"])
    }

    /// Runs `read` in one transaction as the request's user and renders its result with `render`
    /// in the page frame; redirects to /login without a signed-in user, and to /password while the
    /// password is a one-time one (unless `allowOneTime`, the password page itself).
    static func signedIn<T: Sendable>(
        _ context: some PageRequestContext, path: String, allowOneTime: Bool = false,
        read: @escaping @Sendable (Connection, SignedInUser) throws -> T,
        render: (T, WebFrame) -> String
    ) async throws -> Response {
        do {
            let (user, data) = try await PageSupport.signedIn(allowOneTime: allowOneTime, read)
            return html(render(data, PageSupport.frame(user, path: path, context: context, flash: nil)))
        } catch is NotSignedIn {
            return redirect("/login")
        } catch is MustSetPassword {
            return redirect("/password")
        }
    }

    /// The role as the page header shows it.
    static func roleName(_ role: AccessRole) -> String {
        switch role {
        case .enterpriseCoordinator: "企业培训协调员"
        case .enterpriseHR: "企业人力资源"
        case .regionCoordinator: "地区培训协调员"
        case .provincialBureau: "省级民政部门"
        case .ministry: "民政部"
        case .admin: "系统管理员"
        }
    }

    /// The menu of a role: the pages this server has for it. Every role reads the staff and the
    /// training of its scope (a region coordinator also schedules the region's training).
    static func navigation(for role: AccessRole) -> [WebFrame.Link] {
        let home: WebFrame.Link
        var work = [WebFrame.Link(label: "人员", href: "/staff"), WebFrame.Link(label: "培训", href: "/events")]
        switch role {
        case .enterpriseCoordinator, .enterpriseHR: home = WebFrame.Link(label: "本企业", href: "/")
        case .regionCoordinator: home = WebFrame.Link(label: "本地区", href: "/")
        case .provincialBureau: home = WebFrame.Link(label: "本省", href: "/")
        case .ministry, .admin: home = WebFrame.Link(label: "全国", href: "/")
        }
        // Every role reads the ratio, the hours and the exams of its own scope.
        work.append(WebFrame.Link(label: "持证比例", href: "/ratio"))
        work.append(WebFrame.Link(label: "继续教育", href: "/hours"))
        work.append(WebFrame.Link(label: "考试", href: "/exams"))
        // Every role reads pilot applications in its scope (an enterprise its own) and their reports.
        work.append(WebFrame.Link(label: "试点", href: "/pilots"))
        work.append(WebFrame.Link(label: "报告", href: "/reports"))
        return [home] + work + [WebFrame.Link(label: "修改密码", href: "/password")]
    }
}
