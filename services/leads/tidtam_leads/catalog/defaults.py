"""What every tenant starts with. Bilingual where users read it; keys stay ASCII."""

SOURCES = [
    ("website", "เว็บไซต์ / Website"), ("facebook", "Facebook"), ("line", "LINE"),
    ("email", "อีเมล / Email"), ("phone", "โทรศัพท์ / Phone"),
    ("walk_in", "walk-in / ลูกค้าเดินเข้ามา"), ("referral", "แนะนำ / Referral"),
    ("other", "อื่น ๆ / Other"),
]
REASONS = {
    "lost": ["ราคาสูงเกินไป / Price too high", "เลือกคู่แข่ง / Chose a competitor",
             "ไม่มีงบประมาณ / No budget", "ติดต่อไม่ได้ / Unreachable",
             "ยังไม่พร้อมซื้อ / Not ready to buy"],
    "junk": ["ข้อมูลปลอม / Fake details", "สแปม / Spam", "ข้อมูลซ้ำ / Duplicate",
             "ไม่ใช่ลูกค้าเป้าหมาย / Not a prospect"],
}
STANDARD_PIPELINE = ("มาตรฐาน", "Standard")
STANDARD_STAGES = [
    ("ใหม่", "New"), ("ติดต่อแล้ว", "Contacted"), ("เสนอราคา", "Proposal"),
    ("ต่อรอง", "Negotiation"), ("ปิดการขาย", "Won"),
]
