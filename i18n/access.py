"""Signing in, roles, and what a visitor without the right role is told."""

STRINGS: dict[str, tuple[str, str]] = {
    "access.sign_in": ("登录", "Sign in"),
    "access.sign_in.oidc": ("用单位账号登录", "Sign in with the bureau's account"),
    "access.sign_out": ("退出登录", "Sign out"),
    "access.name": ("用户名", "User name"),
    "access.password": ("密码", "Password"),
    "access.failed": (
        "用户名或密码不正确（多次失败后需等待更久）",
        "wrong name or password (each failure in a row waits longer)",
    ),
    "access.signed_in": ("已登录：{name}（{role}）", "Signed in: {name} ({role})"),
    "access.role.viewer": ("查看", "viewer"),
    "access.role.editor": ("编辑", "editor"),
    "access.role.admin": ("管理员", "admin"),
    "access.needs_editor": (
        "编辑、导入、恢复和保存场景需要以“编辑”或“管理员”身份登录（侧栏“登录”）",
        "editing, importing, restoring and saving scenes need a signed-in editor or admin "
        "(Sign in, in the sidebar)",
    ),
    "access.denied": (
        "未保存：{who} 没有{action}权限（需要“{needed}”角色）",
        "not saved: {who} may not {action} (needs role {needed})",
    ),
    "access.action.edit": ("编辑", "edit"),
    "access.action.import": ("导入", "import"),
    "access.action.restore": ("恢复", "restore"),
    "access.action.scenes": ("保存或删除场景", "save or delete scenes"),
    "access.action.users": ("管理账号", "manage accounts"),
    "access.nobody": ("未登录的访客", "a visitor who has not signed in"),
    "access.view_needs_sign_in": (
        "请先登录后查看地图",
        "sign in to see the map",
    ),
}
