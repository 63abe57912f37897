import cytoscape from "cytoscape";
import fcose from "cytoscape-fcose";
import type { ElementDefinition, LayoutOptions, NodeSingular, StylesheetJson } from "cytoscape";
import { useEffect, useEffectEvent, useRef } from "react";

// fCoSE: the force-directed layout that stays fast on a thousand nodes (CoSE took 23 s).
cytoscape.use(fcose);

/** The force-directed layout, for any graph. */
export const FORCE: LayoutOptions = { name: "fcose", animate: false, randomize: true } as LayoutOptions;

const STYLE: StylesheetJson = [
  {
    selector: "node",
    style: {
      label: "data(label)",
      "background-color": "data(color)",
      color: "#1c2127",
      "font-size": 11,
      "text-valign": "bottom",
      "text-margin-y": 4,
      width: 26,
      height: 26,
    },
  },
  {
    selector: "edge",
    style: {
      label: "data(label)",
      "font-size": 9,
      color: "#5f6b7c",
      width: 1.5,
      "line-color": "#8f99a8",
      "target-arrow-color": "#8f99a8",
      "target-arrow-shape": "triangle",
      "curve-style": "bezier",
      "text-rotation": "autorotate",
    },
  },
  { selector: "edge.inherits", style: { "line-style": "dashed", "target-arrow-shape": "triangle-backcurve" } },
  { selector: ":selected", style: { "border-width": 3, "border-color": "#2d72d2" } },
];

/** A graph drawn by Cytoscape.js; `onPick` gets the id of a node clicked. */
export function CytoscapeView(props: {
  elements: ElementDefinition[];
  layout?: LayoutOptions;
  onPick?: (id: string) => void;
  label: string;
}) {
  const box = useRef<HTMLDivElement>(null);
  // The latest `onPick`, without drawing the graph again when only it changed.
  const pick = useEffectEvent((id: string) => props.onPick?.(id));
  useEffect(() => {
    if (!box.current) return;
    // How long the graph took to build and lay out, kept on the element for the console's
    // benchmark (bench/console.py) and for anyone curious.
    const started = performance.now();
    const cy = cytoscape({
      container: box.current,
      elements: props.elements,
      style: STYLE,
      layout: props.layout ?? FORCE,
      wheelSensitivity: 0.3,
    });
    box.current.dataset["layoutMs"] = (performance.now() - started).toFixed(1);
    // Cytoscape's types leave an event's target `any`; a "node" tap's target is a node.
    cy.on("tap", "node", (event) => pick((event.target as NodeSingular).id()));
    return () => cy.destroy();
  }, [props.elements, props.layout]);
  return (
    <div
      ref={box}
      className="graph"
      role="img"
      aria-label={props.label}
      data-nodes={props.elements.filter((e) => !("source" in e.data)).length}
    />
  );
}
