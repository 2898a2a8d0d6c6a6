/** A few DOM helpers: the panel is small enough not to need a framework. */
type Attrs = Record<string, string | number | boolean | undefined>;
type Child = Node | string | null | undefined | false;

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false) continue;
    if (k === 'class') el.className = String(v);
    else if (k === 'text') el.textContent = String(v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children) if (c !== null && c !== undefined && c !== false) el.append(c);
  return el;
}

/** Reads a theme colour (VS Code sets --vscode-* variables on the webview's root). */
export function themeColor(name: string, fallback: string): string {
  const v = getComputedStyle(document.documentElement).getPropertyValue(name).trim();
  return v || fallback;
}

export const pct = (p: number) => `${Math.round(p * 100)}%`;

/** Coalesces bursts of updates into one paint per animation frame. */
export function perFrame<T>(paint: (value: T) => void): (value: T) => void {
  let pending: { value: T } | undefined;
  return (value: T) => {
    const first = !pending;
    pending = { value };
    if (first) {
      requestAnimationFrame(() => {
        const p = pending!;
        pending = undefined;
        paint(p.value);
      });
    }
  };
}
