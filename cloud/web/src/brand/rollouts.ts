/**
 * Firmware rollouts: the list, a new rollout (upload the image, choose stages and the abort
 * threshold), and one rollout in detail — its stage, counts by state, why it aborted, the
 * actions its state allows, and every button with where it stands.
 */
import type { Api } from '../api.ts';
import { fact, field, fill, h, panel } from '../dom.ts';
import { when } from '../format.ts';
import { pagedTable } from './paged.ts';
import { rm } from './rollout-messages.ts';
import { notAvailable, type Screen } from './screen.ts';

export const rolloutsScreen: Screen = {
  id: 'rollouts',
  title: () => rm().rolloutsTitle,
  render: rolloutsView,
};

type MemberState = keyof ReturnType<typeof rm>['states'];
type Status = keyof ReturnType<typeof rm>['statuses'];

export interface RolloutView {
  rolloutId: string;
  fw: number;
  plan: {
    stages: number[];
    autoWiden: { successPct: number } | null;
    abort: { failurePct: number; minFinished: number };
  };
  fleetSize: number;
  stage: number;
  status: Status;
  assigned: number;
  abortReason: {
    code: 'FAILURE_THRESHOLD' | 'ABORTED_BY_USER';
    failures: number;
    finished: number;
    by: { kind: string; id: string };
  } | null;
  createdAt: number;
  tally?: Record<MemberState, number>;
}

interface MemberView {
  deviceId: string;
  stage: number;
  state: MemberState;
  reason?: string;
  block?: number;
  updatedAt: number;
}

/** Status and state badges reuse the order badges' colours. */
const STATUS_LOOK: Record<Status, string> = {
  active: 'placed',
  paused: 'needs_confirmation',
  aborted: 'cancelled',
  completed: 'delivered',
};
const STATE_LOOK: Record<MemberState, string> = {
  pending: 'placed',
  downloading: 'confirmed',
  verifying: 'shipped',
  switched: 'delivered',
  rolled_back: 'needs_confirmation',
  failed: 'cancelled',
  cancelled: 'expired',
};

const badge = (look: string, text: string) => h('span', { class: `badge badge-${look}` }, text);

function rolloutsView(api: Api): HTMLElement {
  const r = rm();
  const list = panel(r.rolloutsTitle, 'rollouts');
  const create = panel(r.newRolloutTitle, 'new-rollout');
  const detail = panel('', 'rollout-detail');
  detail.el.hidden = true;
  detail.el.tabIndex = -1;
  const view = h('div', { class: 'view' }, list.el, detail.el, create.el);

  const table = pagedTable<RolloutView>({
    caption: r.rolloutsTitle,
    empty: r.noRollouts,
    load: (query) => api.get(`/v1/brand/rollouts?${query}`),
    onMissing: () => {
      notAvailable(list, r.rolloutsTitle);
      create.el.hidden = true;
    },
    onError: (message) => list.say(message, 'error'),
    rowAttrs: (x) => ({ 'data-rollout': x.rolloutId, 'data-status': x.status }),
    columns: [
      [r.rollout, (x) => h('code', {}, x.rolloutId)],
      [r.firmware, (x) => String(x.fw)],
      [r.status, (x) => badge(STATUS_LOOK[x.status], r.statuses[x.status])],
      [r.stage, (x) => r.stageOf(x.stage + 1, x.plan.stages.length, x.plan.stages[x.stage] ?? 0)],
      [r.created, (x) => when(x.createdAt)],
      [
        '',
        (x) =>
          h(
            'button',
            {
              type: 'button',
              class: 'secondary',
              'aria-label': r.openNamed(x.rolloutId),
              onclick: () => void showDetail(x.rolloutId, true),
            },
            r.open,
          ),
      ],
    ],
  });
  fill(list.body, h('p', { class: 'hint' }, r.rolloutsExplained), table.el);
  void table.reload();

  async function act(rolloutId: string, action: 'widen' | 'pause' | 'resume' | 'abort') {
    if (action === 'abort' && !window.confirm(r.abortConfirm)) return;
    try {
      await api.post(`/v1/brand/rollouts/${rolloutId}/${action}`);
      await showDetail(rolloutId, false);
      await table.refresh();
    } catch (error) {
      detail.say((error as Error).message, 'error');
    }
  }

  async function showDetail(rolloutId: string, moveFocus: boolean): Promise<void> {
    let rollout: RolloutView;
    try {
      rollout = await api.get<RolloutView>(`/v1/brand/rollouts/${rolloutId}`);
    } catch (error) {
      list.say((error as Error).message, 'error');
      return;
    }
    detail.el.hidden = false;
    detail.el.dataset.rollout = rollout.rolloutId;
    detail.el.dataset.status = rollout.status;
    (detail.el.querySelector('h2') as HTMLElement).textContent = r.detailTitle(rollout.rolloutId);
    const members = pagedTable<MemberView>({
      caption: r.buttonsOfRollout,
      empty: r.noMembers,
      size: 25,
      load: (query) => api.get(`/v1/brand/rollouts/${rollout.rolloutId}/buttons?${query}`),
      onError: (message) => detail.say(message, 'error'),
      rowAttrs: (x) => ({ 'data-device': x.deviceId, 'data-state': x.state }),
      columns: [
        [r.device, (x) => h('code', {}, x.deviceId)],
        [r.stage, (x) => String(x.stage + 1)],
        [r.state, (x) => badge(STATE_LOOK[x.state], r.states[x.state])],
        [r.reason, (x) => (x.reason ? h('code', {}, x.reason) : '—')],
        [r.block, (x) => (x.block === undefined ? '—' : String(x.block))],
        [r.updated, (x) => when(x.updatedAt)],
      ],
    });
    const tally = rollout.tally;
    const open = rollout.status === 'active' || rollout.status === 'paused';
    const lastStage = rollout.stage >= rollout.plan.stages.length - 1;
    const button = (
      label: string,
      action: 'widen' | 'pause' | 'resume' | 'abort',
      danger = false,
    ) =>
      h(
        'button',
        {
          type: 'button',
          class: danger ? 'danger' : 'secondary',
          'data-action': action,
          onclick: () => void act(rollout.rolloutId, action),
        },
        label,
      );
    fill(
      detail.body,
      explanation(rollout),
      h(
        'dl',
        { class: 'facts' },
        fact(r.status, badge(STATUS_LOOK[rollout.status], r.statuses[rollout.status])),
        fact(r.firmware, String(rollout.fw)),
        fact(
          r.stage,
          r.stageOf(
            rollout.stage + 1,
            rollout.plan.stages.length,
            rollout.plan.stages[rollout.stage] ?? 0,
          ),
        ),
        fact(r.fleet, String(rollout.fleetSize)),
        fact(r.assigned, String(rollout.assigned)),
      ),
      tally
        ? h(
            'ul',
            { class: 'chips tally', 'aria-label': r.state },
            (Object.keys(r.states) as MemberState[]).map((state) =>
              h(
                'li',
                { class: 'chip', 'data-state': state },
                badge(STATE_LOOK[state], r.states[state]),
                ` ${tally[state]}`,
              ),
            ),
          )
        : null,
      open
        ? h(
            'div',
            { class: 'actions' },
            lastStage ? null : button(r.widen, 'widen'),
            rollout.status === 'paused' ? button(r.resume, 'resume') : button(r.pause, 'pause'),
            button(r.abort, 'abort', true),
          )
        : null,
      h(
        'button',
        {
          type: 'button',
          class: 'secondary',
          onclick: () => void showDetail(rollout.rolloutId, false),
        },
        r.refresh,
      ),
      h('h3', {}, r.buttonsOfRollout),
      members.el,
    );
    await members.reload();
    if (moveFocus) detail.el.focus();
  }

  // --- new rollout ---
  const image = h('input', { type: 'file', name: 'image' });
  const version = h('input', {
    name: 'fw',
    type: 'number',
    min: 1,
    max: 2147483647,
    required: true,
  });
  const stages = h('input', { name: 'stages', value: '10, 50, 100', required: true });
  const autoWiden = h('input', { name: 'autoWiden', type: 'number', min: 0, max: 100, value: 90 });
  const failurePct = h('input', {
    name: 'failurePct',
    type: 'number',
    min: 1,
    max: 100,
    value: 10,
    required: true,
  });
  const minFinished = h('input', {
    name: 'minFinished',
    type: 'number',
    min: 1,
    value: 10,
    required: true,
  });
  const form = h(
    'form',
    { class: 'grid-form' },
    field(r.imageFile, image, r.imageFileHint),
    field(r.version, version, r.versionHint),
    field(r.stages, stages, r.stagesHint),
    field(r.autoWiden, autoWiden, r.autoWidenHint),
    field(r.failurePct, failurePct),
    field(r.minFinished, minFinished),
    h('button', { type: 'submit' }, r.startRollout),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const shares = stages.value.split(',').map((s) => Number(s.trim()));
    const growing = shares.every(
      (s, i) => Number.isInteger(s) && s >= 1 && s <= 100 && (i === 0 || s > (shares[i - 1] ?? 0)),
    );
    if (!growing) return create.say(r.badStages, 'error');
    try {
      const file = image.files?.[0];
      if (file) {
        create.say(r.uploading(file.size));
        await upload(api, Number(version.value), await file.arrayBuffer());
      }
      const rollout = await api.post<RolloutView>('/v1/brand/rollouts', {
        fw: Number(version.value),
        stages: shares,
        ...(autoWiden.value === '' ? {} : { autoWidenSuccessPct: Number(autoWiden.value) }),
        failurePct: Number(failurePct.value),
        minFinished: Number(minFinished.value),
      });
      create.say(r.started(rollout.rolloutId, rollout.assigned));
      await table.reload();
      await showDetail(rollout.rolloutId, false);
    } catch (error) {
      create.say((error as Error).message, 'error');
    }
  });
  fill(create.body, form);
  return view;
}

/** Why the rollout stands where it does, in one sentence; nothing for a running one. */
function explanation(rollout: RolloutView): HTMLElement | null {
  const r = rm();
  const reason = rollout.abortReason;
  if (rollout.status === 'completed') return h('p', { class: 'status info' }, r.completedNote);
  if (!reason) return null;
  const text =
    reason.code === 'FAILURE_THRESHOLD'
      ? r.abortedBecause(reason.failures, reason.finished, rollout.plan.abort.failurePct)
      : r.abortedBy(reason.by.id, reason.failures, reason.finished);
  return h('p', { class: 'status error abort-reason', 'data-abort': reason.code }, text);
}

/** Images go up as raw bytes (the JSON client would not carry them). */
async function upload(api: Api, fw: number, bytes: ArrayBuffer): Promise<void> {
  const response = await fetch(`/v1/brand/firmware/${fw}`, {
    method: 'PUT',
    headers: {
      authorization: `Bearer ${api.session.token}`,
      'content-type': 'application/octet-stream',
    },
    body: bytes,
  });
  if (!response.ok) {
    const body = (await response.json().catch(() => null)) as {
      error?: { message?: string };
    } | null;
    throw new Error(body?.error?.message ?? `The API answered ${response.status}.`);
  }
}
