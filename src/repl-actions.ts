// What the prompt's key actions do in the session: send or queue a message, interrupt, exit, cycle the
// permission mode, open the rewind menu, clear the screen, paste text or an image, send the running
// command to the background, suspend. The prompt (repl-input.ts) decides which action a key is.
import { EXIT } from "./exit-codes.ts";
import { imageBlock, imageFromPath, isImageError, readClipboardImage } from "./image-paste.ts";
import type { PasteStore } from "./paste-store.ts";
import type { InputAction } from "./repl-input.ts";
import type { WorkQueue } from "./repl-queue.ts";

export interface ActionDeps {
  work: WorkQueue;
  pastes: PasteStore;
  cwd: string;
  home: string | undefined;
  /** Aborts the running turn or command, if any. */
  interrupt(): void;
  finish(code: number): void;
  /** A short hint in the footer. */
  flash(text: string): void;
  /** Shift+Tab: the next permission mode (nothing before the run is prepared). */
  cycleMode(): void;
  clearScreen(): void;
  /** Puts text into the prompt box at the cursor. */
  insert(text: string): void;
  paint(): void;
  /** Ctrl+B: false when no command runs in the foreground. */
  background(): boolean;
  suspend(): void;
}

export function createActionHandler(deps: ActionDeps): (action: InputAction) => void {
  const pasteImage = (): void => {
    void readClipboardImage().then((image) => {
      if (!image) deps.flash("No image on the clipboard (reading it needs wl-paste or xclip)");
      else if (isImageError(image)) deps.flash(image.error);
      else deps.insert(deps.pastes.addImage(imageBlock(image)));
      deps.paint();
    });
  };
  return (action) => {
    switch (action.type) {
      case "submit":
        return deps.work.push(action.text);
      case "interrupt":
        return deps.interrupt();
      case "exit":
        return deps.finish(EXIT.ok);
      case "exit-hint":
        return deps.flash("Press Ctrl+C again to exit");
      case "cycle-mode":
        return deps.cycleMode();
      case "rewind":
        return deps.work.push("/rewind");
      case "clear-screen":
        return deps.clearScreen();
      case "paste": {
        // A dropped image path becomes an image; any other paste goes in as text (large ones as a placeholder).
        const image = imageFromPath(action.text, deps.cwd, { home: deps.home });
        if (image && isImageError(image)) return deps.flash(image.error);
        return deps.insert(image ? deps.pastes.addImage(imageBlock(image)) : deps.pastes.accept(action.text));
      }
      case "paste-image":
        return pasteImage();
      case "background":
        if (!deps.background()) deps.flash("Ctrl+B moves a running Bash command to the background; none is running");
        return;
      case "suspend":
        return deps.suspend();
    }
  };
}
