"""Count sources for the indicators: indicator 8, 电子健康档案建设管理率 = children with a complete
record ÷ enrolled children (core.counts)."""
