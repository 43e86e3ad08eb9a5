"""Column headers of the tables people read (``column.<name>``). CSV and JSON keep the names."""

from __future__ import annotations

from cli.catalogue import register

_COLUMNS = {
    "sender_id": "成员 ID", "sender": "成员", "role": "身份", "tier": "分层", "messages": "消息数",
    "active_days": "活跃天数", "active_weeks": "活跃周数", "last_seen": "最后发言", "first_seen": "首次出现",
    "days_silent": "沉默天数", "evidence": "依据", "msg_id": "消息 ID", "line": "行", "timestamp": "时间",
    "score": "得分", "verdict": "判定", "reasons": "原因", "text": "内容", "spam_messages": "广告消息",
    "suspect_messages": "可疑消息", "spam_score": "广告分", "is_spammer": "广告号", "promotions": "推广",
    "group": "群", "source": "文件", "status": "状态", "speakers": "发言人数", "participation": "发言比例",
    "spam_ratio": "广告比例", "on_topic_ratio": "主题相关比例", "lifecycle_stage": "生命周期阶段",
    "health_score": "健康分", "error": "错误", "kind": "类别", "key": "内容", "groups": "群",
    "n_groups": "群数", "members": "成员", "example": "示例", "check": "检查项", "family": "类别",
    "hit": "命中", "points": "分值", "detail": "详情", "count": "次数", "share": "占比", "joined": "入群",
    "left": "退群", "details": "详情文件",
}

register({f"column.{name}": (name, zh) for name, zh in _COLUMNS.items()})
