import Foundation

/// The frame of every page `esw serve` shows: who is signed in, the menu for their role, the
/// CSRF token every form must post back. Nil `user` is a page for someone not signed in (login).
public struct WebFrame: Sendable {
    public struct User: Sendable {
        public let name: String
        /// The role in Chinese, as the page shows it.
        public let roleName: String
        public init(name: String, roleName: String) {
            self.name = name
            self.roleName = roleName
        }
    }

    public struct Link: Sendable {
        public let label: String
        public let href: String
        public init(label: String, href: String) {
            self.label = label
            self.href = href
        }
    }

    public let user: User?
    public let navigation: [Link]
    /// The path of the page shown, to mark its menu entry.
    public let currentPath: String
    public let csrfToken: String?
    /// A one-line message after a redirect ("已导入 12 行").
    public let flash: String?

    public init(user: User?, navigation: [Link], currentPath: String, csrfToken: String?, flash: String? = nil) {
        self.user = user
        self.navigation = navigation
        self.currentPath = currentPath
        self.csrfToken = csrfToken
        self.flash = flash
    }
}

/// Web pages: a body template of Templates/ (named `web-…`) rendered inside `web-layout`. Every
/// value is HTML-escaped by the template engine; only the body and SVG charts (escaped where they
/// are built) go in unescaped.
public enum WebPage {
    public static func render(title: String, frame: WebFrame, template: String, context: [String: Any]) -> String {
        var layout: [String: Any] = ["title": title, "body": Templates.render(template, context)]
        if let user = frame.user {
            layout["user"] =
                [
                    "name": user.name, "roleName": user.roleName, "csrfToken": frame.csrfToken ?? "",
                    "navigation": frame.navigation.map {
                        ["label": $0.label, "href": $0.href, "current": $0.href == frame.currentPath] as [String: Any]
                    },
                ] as [String: Any]
        }
        if let flash = frame.flash { layout["flash"] = flash }
        return Templates.render("web-layout", layout) + "\n"
    }

    /// The one stylesheet, served at /static/esw.css.
    public static let stylesheet: String = String(decoding: PackageResources.web_css, as: UTF8.self)
}
