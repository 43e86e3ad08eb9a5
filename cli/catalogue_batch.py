"""Catalogue entries for ``batch --details``'s ``index.html`` (``batch.index_*``)."""

from __future__ import annotations

from cli.catalogue import register

register({
    "batch.changed": ("{n} input(s) changed while they were audited, so their results were not cached: {shown} "
                      "(run again once the export is complete)",
                      "{n} 个输入在审计过程中被修改，结果未写入缓存：{shown}（导出完成后请重新运行）"),
    "batch.index_title": ("Batch audit: {groups} group(s)", "批量审计：{groups} 个群"),
    "batch.index_counts": ("{groups} group(s), {errors} error(s).", "{groups} 个群，{errors} 个错误。"),
    "batch.index_order_health": ("Errors first, then the least healthy groups.",
                                 "错误在前，其后按健康分从低到高排列。"),
    "batch.index_order_input": ("In input order.", "按输入顺序排列。"),
    "batch.index_group": ("group", "群"),
    "batch.index_health": ("health", "健康分"),
    "batch.index_band": ("band", "等级"),
    "batch.index_stage": ("stage", "阶段"),
    "batch.index_messages": ("messages", "消息数"),
    "batch.index_status": ("status", "状态"),
    "batch.index_files": ("files", "文件"),
    "batch.index_report": ("report", "报告"),
    "batch.index_members": ("members (CSV)", "成员（CSV）"),
    "batch.index_summary": ("all groups (CSV)", "全部群（CSV）"),
    "batch.index_cross": ("cross-group findings (CSV)", "跨群发现（CSV）"),
})
