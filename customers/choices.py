from django.db.models import TextChoices
from django.utils.translation import gettext_lazy as _


class ValueTier(TextChoices):
    VIP = "vip", _("VIP")
    GOLD = "gold", _("Gold")
    STANDARD = "standard", _("Standard")


class Region(TextChoices):
    SEOUL = "seoul", _("Seoul")
    BUSAN = "busan", _("Busan")
    DAEGU = "daegu", _("Daegu")
    INCHEON = "incheon", _("Incheon")
    GWANGJU = "gwangju", _("Gwangju")
    DAEJEON = "daejeon", _("Daejeon")
    ULSAN = "ulsan", _("Ulsan")
    SEJONG = "sejong", _("Sejong")
    GYEONGGI = "gyeonggi", _("Gyeonggi")
    GANGWON = "gangwon", _("Gangwon")
    CHUNGBUK = "chungbuk", _("North Chungcheong")
    CHUNGNAM = "chungnam", _("South Chungcheong")
    JEONBUK = "jeonbuk", _("North Jeolla")
    JEONNAM = "jeonnam", _("South Jeolla")
    GYEONGBUK = "gyeongbuk", _("North Gyeongsang")
    GYEONGNAM = "gyeongnam", _("South Gyeongsang")
    JEJU = "jeju", _("Jeju")


class ProductCategory(TextChoices):
    WATER_PURIFIER = "water_purifier", _("Water purifier")
    BIDET = "bidet", _("Bidet")
    AIR_PURIFIER = "air_purifier", _("Air purifier")
    MATTRESS = "mattress", _("Mattress")
    MASSAGE_CHAIR = "massage_chair", _("Massage chair")


class ContractStatus(TextChoices):
    ACTIVE = "active", _("Active")
    SUSPENDED = "suspended", _("Suspended")
    CANCELLED = "cancelled", _("Cancelled")
    ENDED = "ended", _("Ended")


class BillingEventKind(TextChoices):
    PAYMENT_FAILED = "payment.failed", _("Payment failed")
    PAYMENT_RECOVERED = "payment.recovered", _("Payment recovered")
    RENEWAL_DUE = "contract.renewal_due", _("Renewal due")


class AmendmentKind(TextChoices):
    FEE_ADJUSTMENT = "fee_adjustment", _("Fee adjustment")
    PRODUCT_CHANGE = "product_change", _("Product change")
    TERM_CHANGE = "term_change", _("Term change")
    RELOCATION = "relocation", _("Relocation")
    PAUSE = "pause", _("Pause")
    DISCOUNT = "discount", _("Discount")
    FREE_MONTHS = "free_months", _("Free months")
    BENEFIT = "benefit", _("Benefit (no change to fee or term)")
