from django.core.management.base import BaseCommand

from winback.services.winback import win_back_consider


class Command(BaseCommand):
    help = "Consider departed customers for win-back now (the daily beat job does the same)."

    def handle(self, *args, **options):
        result = win_back_consider()
        self.stdout.write(
            self.style.SUCCESS(
                "Considered {considered} departed contracts; planned {calls} calls "
                "(top {top}, middle {middle}, not called {rest}).".format(
                    top=result.get("top", 0),
                    middle=result.get("middle", 0),
                    rest=result.get("rest", 0),
                    considered=result["considered"],
                    calls=result["calls"],
                )
            )
        )
