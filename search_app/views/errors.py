"""Errors: JSON for the API, a Chinese page otherwise, never a stack trace."""

from __future__ import annotations

from flask import current_app, jsonify, render_template, request
from werkzeug.exceptions import HTTPException

from indexer.indexdir import IndexDamaged

from ..params import BadParameter
from .common import blueprint

bp = blueprint("errors")

MESSAGES = {400: "请求无效", 404: "找不到该页面或文章", 405: "不支持的请求方法"}


def _wants_json() -> bool:
    return request.path.startswith("/api/") or request.path.startswith("/export.")


@bp.app_errorhandler(HTTPException)
def http_error(exc: HTTPException):
    code = exc.code or 500
    message = MESSAGES.get(code, "请求出错")
    if _wants_json():
        return jsonify({"error": message}), code
    return render_template("error.html", code=code, message=message), code


@bp.app_errorhandler(BadParameter)
def bad_parameter(exc: BadParameter):
    """A bad URL parameter on any page: 400 with the message naming it."""
    if _wants_json():
        return jsonify({"error": str(exc)}), 400
    return render_template("error.html", code=400, message=str(exc)), 400


@bp.app_errorhandler(IndexDamaged)
def index_unreadable(exc: IndexDamaged):
    """The index became unreadable while serving: 503 (try again later), the details in the log."""
    current_app.logger.error("index unreadable on %s: %s", request.path, exc)
    message = "检索服务暂时不可用：索引无法读取，请稍后再试或联系管理员重建索引。"
    if _wants_json():
        return jsonify({"error": message}), 503, {"Retry-After": "60"}
    return render_template("error.html", code=503, message=message), 503, {"Retry-After": "60"}


@bp.app_errorhandler(Exception)
def server_error(exc: Exception):
    current_app.logger.exception("unhandled error on %s", request.path)
    if _wants_json():
        return jsonify({"error": "服务器内部错误"}), 500
    return render_template("error.html", code=500, message="服务器内部错误"), 500
