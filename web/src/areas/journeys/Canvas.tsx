import {
  applyNodeChanges,
  Background,
  Controls,
  Handle,
  MarkerType,
  Position,
  ReactFlow,
  type Edge,
  type EdgeChange,
  type Node,
  type NodeChange,
  type NodeProps,
  type NodeSelectionChange,
  type ReactFlowInstance,
} from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useFormat } from '../../format.ts';
import { useI18n } from '../../i18n/index.tsx';
import { stepSummary, stepTypeName, triggerSummary } from './describe.ts';
import { useLookups } from './lookups.tsx';
import { connect, layout, outlets, pathKey, removeStep, TRIGGER_NODE } from './model.ts';
import type { Definition, Position as XY, StepStats, StepType } from './types.ts';

export interface NodeOutlet {
  handle: string;
  label: string;
}

type JourneyNodeData = {
  kind: StepType | 'trigger';
  title: string;
  summary: string;
  outlets: NodeOutlet[];
  counts: string | null;
  issues: string | null;
  isStart: boolean;
};
type JourneyNode = Node<JourneyNodeData, 'journey'>;

function JourneyNodeView({ data, selected }: NodeProps<JourneyNode>) {
  const { t } = useI18n();
  const n = data.outlets.length;
  return (
    <div className={`jn jn-${data.kind}${selected ? ' jn-selected' : ''}${data.issues ? ' jn-invalid' : ''}`}>
      {data.kind !== 'trigger' && <Handle type="target" position={Position.Top} />}
      <div className="jn-head">
        <span className="jn-type">{data.title}</span>
        {data.isStart && <span className="jn-start">{t('journeys.node.first')}</span>}
      </div>
      <div className="jn-summary">{data.summary}</div>
      {data.counts && <div className="jn-counts">{data.counts}</div>}
      {data.issues && <div className="jn-issues">{data.issues}</div>}
      {n > 1 && (
        <div className="jn-outlets" aria-hidden="true">
          {data.outlets.map((o) => (
            <span key={o.handle}>{o.label}</span>
          ))}
        </div>
      )}
      {data.outlets.map((o, i) => (
        <Handle key={o.handle} id={o.handle} type="source" position={Position.Bottom} style={{ left: `${((i + 1) / (n + 1)) * 100}%` }} />
      ))}
    </div>
  );
}

const NODE_TYPES = { journey: JourneyNodeView };

interface CanvasProps {
  definition: Definition;
  onChange: (definition: Definition) => void;
  selected: string | null;
  onSelect: (nodeId: string | null) => void;
  issueCounts: Map<string, number>;
  stats: Map<string, StepStats> | null;
  /** Customers who entered (all versions), shown on the trigger. */
  entrants: number | null;
  readOnly: boolean;
}

/**
 * The journey on a React Flow canvas. The definition is the truth: nodes and edges are drawn from
 * it; moving, connecting and deleting change it. React Flow keeps its measurements in the node
 * state, so nodes are rebuilt from the definition while keeping what it measured.
 */
export function Canvas({ definition, onChange, selected, onSelect, issueCounts, stats, entrants, readOnly }: CanvasProps) {
  const { t } = useI18n();
  const format = useFormat();
  const lookups = useLookups();
  const [nodes, setNodes] = useState<JourneyNode[]>([]);
  const flow = useRef<ReactFlowInstance<JourneyNode, Edge> | null>(null);
  const stepCount = useRef(definition.steps.length);

  useEffect(() => {
    const added = definition.steps.length > stepCount.current;
    stepCount.current = definition.steps.length;
    if (!added) return;
    // A new step can land outside the view: refit once React Flow has measured it.
    const timer = setTimeout(() => void flow.current?.fitView({ padding: 0.2, maxZoom: 1, duration: 200 }), 50);
    return () => clearTimeout(timer);
  }, [definition.steps.length]);

  const outletLabel = useCallback(
    (kind: string, label: string | undefined) => (kind === 'path' ? (label ?? '') : t(`journeys.outlet.${kind as 'next' | 'yes' | 'no' | 'timeoutNext'}`)),
    [t],
  );

  useEffect(() => {
    const places = layout(definition);
    const issuesText = (id: string) => {
      const n = issueCounts.get(id) ?? 0;
      return n === 0 ? null : n === 1 ? t('journeys.node.issue') : t('journeys.node.issues', { n });
    };
    const countsText = (id: string) => {
      const s = stats?.get(id);
      if (!s) return null;
      const counts = t('journeys.node.counts', { waiting: format.number(s.waiting), passed: format.number(s.passed) });
      return s.failed > 0 ? `${counts} · ${t('journeys.node.failed', { n: format.number(s.failed) })}` : counts;
    };
    const build = (id: string, position: XY, data: JourneyNodeData): JourneyNode => ({
      id,
      type: 'journey',
      position,
      data,
      selected: id === selected,
      deletable: id !== TRIGGER_NODE && !readOnly,
      ariaLabel: [data.title, data.summary, data.isStart ? t('journeys.node.first') : '', data.counts, data.issues].filter(Boolean).join('. '),
    });
    const next: JourneyNode[] = [
      build(TRIGGER_NODE, places.trigger, {
        kind: 'trigger',
        title: t('journeys.node.trigger'),
        summary: triggerSummary(t, definition.trigger, lookups),
        outlets: [{ handle: 'start', label: '' }],
        counts: entrants === null ? null : t('journeys.node.entered', { n: format.number(entrants) }),
        issues: issuesText(TRIGGER_NODE),
        isStart: false,
      }),
      ...definition.steps.map((step) =>
        build(step.id, places.steps.get(step.id)!, {
          kind: step.type,
          title: `${stepTypeName(t, step.type)} · ${step.id}`,
          summary: stepSummary(t, step, lookups),
          outlets: outlets(step).map((o) => ({ handle: o.handle, label: outletLabel(o.kind, o.label) })),
          counts: countsText(step.id),
          issues: issuesText(step.id),
          isStart: step.id === definition.start,
        }),
      ),
    ];
    setNodes((previous) => {
      const before = new Map(previous.map((n) => [n.id, n]));
      // Keep what React Flow measured and where a drag in progress has the node.
      return next.map((n) => {
        const old = before.get(n.id);
        return old ? { ...n, measured: old.measured, position: old.dragging ? old.position : n.position, dragging: old.dragging } : n;
      });
    });
  }, [definition, selected, issueCounts, stats, entrants, lookups, t, format, outletLabel, readOnly]);

  const edges = useMemo<Edge[]>(() => {
    const ids = new Set(definition.steps.map((s) => s.id));
    const list: Edge[] = [];
    if (ids.has(definition.start)) {
      list.push({
        id: `${TRIGGER_NODE}>start`,
        source: TRIGGER_NODE,
        sourceHandle: 'start',
        target: definition.start,
        ariaLabel: t('journeys.canvas.edge', { from: t('journeys.node.trigger'), to: definition.start }),
        deletable: false,
        markerEnd: { type: MarkerType.ArrowClosed },
      });
    }
    for (const step of definition.steps) {
      for (const o of outlets(step)) {
        if (!o.target || !ids.has(o.target)) continue;
        const name = o.kind === 'next' ? '' : o.kind === 'path' ? `${o.label ?? ''} ${o.percent ?? 0}%` : outletLabel(o.kind, undefined);
        const key = pathKey(step, o);
        const taken = key === null ? undefined : stats?.get(step.id)?.paths?.[key];
        const label = [name, taken === undefined ? '' : `(${format.number(taken)})`].filter(Boolean).join(' ') || undefined;
        list.push({
          id: `${step.id}>${o.handle}`,
          source: step.id,
          sourceHandle: o.handle,
          target: o.target,
          label,
          ariaLabel: [t('journeys.canvas.edge', { from: step.id, to: o.target }), label].filter(Boolean).join(' '),
          deletable: !readOnly,
          markerEnd: { type: MarkerType.ArrowClosed },
          className: `je-${o.kind}`,
        });
      }
    }
    return list;
  }, [definition, outletLabel, readOnly, stats, format, t]);

  const onNodesChange = useCallback(
    (changes: NodeChange<JourneyNode>[]) => {
      setNodes((current) => applyNodeChanges(changes, current));
      let updated = definition;
      // One selection at a time: a batch selects one node and deselects the rest, in any order.
      const picked = changes.find((c): c is NodeSelectionChange => c.type === 'select' && c.selected);
      if (picked) onSelect(picked.id);
      else if (changes.some((c) => c.type === 'select' && c.id === selected)) onSelect(null);
      for (const change of changes) {
        if (change.type === 'remove' && change.id !== TRIGGER_NODE) {
          updated = removeStep(updated, change.id);
        } else if (change.type === 'position' && change.position && !change.dragging) {
          // A finished drag or a keyboard move: the place is saved with the definition.
          const position = { x: Math.round(change.position.x), y: Math.round(change.position.y) };
          updated =
            change.id === TRIGGER_NODE
              ? { ...updated, triggerPosition: position }
              : { ...updated, steps: updated.steps.map((s) => (s.id === change.id ? { ...s, position } : s)) };
        }
      }
      if (updated !== definition) onChange(updated);
    },
    [definition, onChange, onSelect, selected],
  );

  const onEdgesChange = useCallback(
    (changes: EdgeChange[]) => {
      let updated = definition;
      for (const change of changes) {
        if (change.type !== 'remove') continue;
        const [source, handle] = change.id.split('>') as [string, string];
        if (source !== TRIGGER_NODE) updated = connect(updated, source, handle, null);
      }
      if (updated !== definition) onChange(updated);
    },
    [definition, onChange],
  );

  const ariaLabelConfig = useMemo(
    () => ({
      'node.a11yDescription.default': t('journeys.canvas.nodeHelp'),
      'node.a11yDescription.keyboardDisabled': t('journeys.canvas.nodeHelp'),
      'edge.a11yDescription.default': t('journeys.canvas.edgeHelp'),
      'controls.ariaLabel': t('journeys.canvas.controls'),
      'controls.zoomIn.ariaLabel': t('journeys.canvas.zoomIn'),
      'controls.zoomOut.ariaLabel': t('journeys.canvas.zoomOut'),
      'controls.fitView.ariaLabel': t('journeys.canvas.fitView'),
      'handle.ariaLabel': t('journeys.canvas.handle'),
    }),
    [t],
  );

  return (
    <div className="journey-canvas" role="region" aria-label={t('journeys.canvas.label')}>
      <ReactFlow<JourneyNode, Edge>
        nodes={nodes}
        edges={edges}
        nodeTypes={NODE_TYPES}
        onNodesChange={onNodesChange}
        onEdgesChange={onEdgesChange}
        onConnect={(c) => onChange(connect(definition, c.source, c.sourceHandle ?? null, c.target))}
        onPaneClick={() => onSelect(null)}
        onInit={(instance) => {
          flow.current = instance;
        }}
        nodesDraggable={!readOnly}
        nodesConnectable={!readOnly}
        deleteKeyCode={readOnly ? null : ['Backspace', 'Delete']}
        ariaLabelConfig={ariaLabelConfig}
        fitView
        fitViewOptions={{ padding: 0.2, maxZoom: 1 }}
        minZoom={0.2}
      >
        <Background gap={20} />
        <Controls showInteractive={false} />
      </ReactFlow>
    </div>
  );
}
