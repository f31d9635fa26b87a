"""A starting point for a new 100-point table, in the structure provinces commonly use (domain
sources §3.4: socio-economic targets, state management and reform, Party and mass organisations,
emulation work; bonus and penalty points). Point values are a sample to edit, not a rule."""

from __future__ import annotations

from typing import Any

STARTER: dict[str, Any] = {
    "scale": 100,
    "aggregation": "mean",
    "tie_breaks": ["group:A", "bonus", "vote"],
    "criteria": [
        {
            "code": "A",
            "text": "Thực hiện các chỉ tiêu phát triển kinh tế - xã hội",
            "kind": "group",
            "max_points": 40,
            "children": [
                {
                    "code": "A1",
                    "text": "Thu ngân sách nhà nước trên địa bàn so với kế hoạch",
                    "kind": "quantitative",
                    "max_points": 20,
                    "bonus_max": 2,
                    "evidence": "Báo cáo quyết toán thu ngân sách",
                },
                {
                    "code": "A2",
                    "text": "Tốc độ tăng trưởng kinh tế (GRDP) so với đơn vị cao nhất Cụm",
                    "kind": "relative_best",
                    "max_points": 20,
                    "evidence": "Số liệu của cơ quan thống kê",
                },
            ],
        },
        {
            "code": "B",
            "text": "Quản lý nhà nước, cải cách hành chính, chuyển đổi số",
            "kind": "group",
            "max_points": 20,
            "children": [
                {
                    "code": "B1",
                    "text": "Hoàn thành kế hoạch cải cách hành chính năm",
                    "kind": "pass_fail",
                    "max_points": 10,
                },
                {
                    "code": "B2",
                    "text": "Dịch vụ công trực tuyến toàn trình được đưa vào sử dụng",
                    "kind": "per_occurrence",
                    "max_points": 10,
                    "points_each": 2,
                },
            ],
        },
        {
            "code": "C",
            "text": "Xây dựng Đảng, đoàn thể; quốc phòng, an ninh",
            "kind": "pass_fail",
            "max_points": 15,
        },
        {
            "code": "D",
            "text": "Công tác thi đua, khen thưởng",
            "kind": "group",
            "max_points": 25,
            "children": [
                {
                    "code": "D1",
                    "text": "Gửi đăng ký thi đua, báo cáo đúng hạn, đầy đủ",
                    "kind": "pass_fail",
                    "max_points": 10,
                },
                {
                    "code": "D2",
                    "text": "Điển hình tiên tiến được phát hiện, nhân rộng",
                    "kind": "per_occurrence",
                    "max_points": 15,
                    "points_each": 3,
                },
            ],
        },
        {
            "code": "T",
            "text": "Được tặng Cờ thi đua của Chính phủ, bộ, tỉnh năm trước",
            "kind": "bonus",
            "max_points": 10,
            "points_each": 10,
        },
        {
            "code": "P",
            "text": "Báo cáo gửi chậm, thiếu",
            "kind": "penalty",
            "max_points": 10,
            "points_each": 2,
        },
    ],
}
