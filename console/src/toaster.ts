import { Intent, OverlayToaster } from "@blueprintjs/core";
import type { Toaster } from "@blueprintjs/core";

let toaster: Promise<Toaster> | undefined;

export function toast(message: string, intent: Intent = Intent.SUCCESS): void {
  toaster ??= OverlayToaster.createAsync({ position: "bottom-right", maxToasts: 3 });
  void toaster.then((t) => t.show({ message, intent, timeout: 3000 }));
}
