/**
 * Registers a tag unless it already is: EPR pages load scripts more than once, and a
 * page may hold two copies of the kit (Shoelace `define()`). The first definition wins.
 */
export function defineElement(tag: string, element: CustomElementConstructor): void {
  if (!customElements.get(tag)) customElements.define(tag, element);
}
