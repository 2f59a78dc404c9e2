"""Support categories (domain.md §5): what a need asks for and what a policy delivers."""

# (code, Vietnamese, English)
SUPPORT_CATEGORIES: tuple[tuple[str, str, str], ...] = (
    ("health", "Y tế", "Health"),
    ("education", "Giáo dục", "Education"),
    ("credit", "Tín dụng ưu đãi", "Preferential credit"),
    ("housing", "Nhà ở", "Housing"),
    ("land", "Đất ở, đất sản xuất", "Residential and production land"),
    ("water_sanitation", "Nước sạch và vệ sinh", "Clean water and sanitation"),
    ("information", "Thông tin", "Information"),
    ("legal_aid", "Trợ giúp pháp lý", "Legal aid"),
    ("vocational_training", "Đào tạo nghề", "Vocational training"),
    ("jobs", "Việc làm", "Jobs"),
    ("labour_export", "Xuất khẩu lao động", "Labour export"),
    ("livelihood", "Sinh kế, phát triển sản xuất", "Livelihood and production"),
    ("social_assistance", "Trợ giúp xã hội", "Social assistance"),
    ("electricity", "Hỗ trợ tiền điện", "Electricity subsidy"),
    ("social_mobilisation", "Vận động xã hội", "Social mobilisation"),
)
CATEGORY_CODES = frozenset(code for code, _, _ in SUPPORT_CATEGORIES)
