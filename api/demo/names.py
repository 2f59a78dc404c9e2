"""Name parts for demo households: Kinh and Khmer names as met in Trà Vinh."""

KINH_FAMILY = ("Nguyễn", "Trần", "Lê", "Phạm", "Huỳnh", "Võ", "Đặng", "Bùi", "Đỗ", "Trương")
KINH_MIDDLE_MALE = ("Văn", "Hữu", "Minh", "Thanh", "Công")
KINH_MIDDLE_FEMALE = ("Thị", "Ngọc", "Thu", "Kim")
KINH_GIVEN = (
    "An",
    "Bình",
    "Cường",
    "Dũng",
    "Hà",
    "Hạnh",
    "Hùng",
    "Lan",
    "Long",
    "Mai",
    "Nam",
    "Nga",
    "Phúc",
    "Quý",
    "Sơn",
    "Tâm",
    "Thảo",
    "Tuấn",
    "Vân",
    "Yến",
)
KHMER_FAMILY = ("Thạch", "Sơn", "Kim", "Danh", "Lâm", "Trà", "Thạch Thị", "Sơn Thị")
KHMER_GIVEN = (
    "Sa Rinh",
    "Phước",
    "Sô Phênh",
    "Sa Vone",
    "Chanh",
    "Rươne",
    "Sóc",
    "Thol",
    "Sa Ry",
    "Chum",
    "Kha",
    "Sa Mây",
    "Na",
    "Pha",
    "Ly",
)
