/** The firmware rollout and button settings screens' sentences, in the console's languages. */
import { type Locale, locale } from '../i18n.ts';

const n = (value: number, code: Locale) => new Intl.NumberFormat(code).format(value);
const pct = (value: number, code: Locale) =>
  new Intl.NumberFormat(code, { style: 'percent', maximumFractionDigits: 1 }).format(value / 100);

type State =
  | 'pending'
  | 'downloading'
  | 'verifying'
  | 'switched'
  | 'rolled_back'
  | 'failed'
  | 'cancelled';
type Status = 'active' | 'paused' | 'aborted' | 'completed';

const en = {
  rolloutsTitle: 'Firmware rollouts',
  rolloutsExplained:
    'A rollout sends one uploaded firmware image to a growing share of your buttons. Each button takes it at its next press; a button whose new firmware cannot reach the cloud goes back to the old one by itself.',
  noRollouts: 'No rollouts yet.',
  rollout: 'Rollout',
  firmware: 'Firmware',
  status: 'Status',
  stage: 'Stage',
  stageOf: (stage: number, stages: number, percent: number) =>
    `${n(stage, 'en')} of ${n(stages, 'en')} (${pct(percent, 'en')} of the fleet)`,
  progress: 'Switched / failed / waiting',
  progressCell: (switched: number, failed: number, waiting: number) =>
    `${n(switched, 'en')} / ${n(failed, 'en')} / ${n(waiting, 'en')}`,
  created: 'Started',
  open: 'Open',
  openNamed: (id: string) => `Open rollout ${id}`,
  statuses: {
    active: 'Active',
    paused: 'Paused',
    aborted: 'Aborted',
    completed: 'Completed',
  } satisfies Record<Status, string>,
  states: {
    pending: 'Pending',
    downloading: 'Downloading',
    verifying: 'Verifying',
    switched: 'Switched',
    rolled_back: 'Rolled back',
    failed: 'Failed',
    cancelled: 'Withdrawn',
  } satisfies Record<State, string>,
  newRolloutTitle: 'New rollout',
  imageFile: 'Firmware image',
  imageFileHint:
    'The built bundle; leave empty to use an image already uploaded under this version',
  version: 'Firmware version',
  versionHint: 'The number the firmware reports once running',
  stages: 'Stages (% of the fleet)',
  stagesHint: 'Growing shares separated by commas, e.g. 10, 50, 100',
  autoWiden: 'Widen by itself at a success rate of (%)',
  autoWidenHint: 'Once every button of a stage finished; leave empty to widen by hand',
  failurePct: 'Abort at a failure rate of (%)',
  minFinished: '…counted from this many finished buttons',
  startRollout: 'Upload and start',
  uploading: (bytes: number) => `Uploading ${n(bytes, 'en')} bytes…`,
  started: (id: string, assigned: number) =>
    `Rollout ${id} started: ${n(assigned, 'en')} buttons take the update at their next press.`,
  badStages: 'Stages are growing whole percents from 1 to 100, e.g. 10, 50, 100.',
  detailTitle: (id: string) => `Rollout ${id}`,
  fleet: 'Fleet',
  assigned: 'Assigned',
  abortedBecause: (failures: number, finished: number, threshold: number) =>
    `Aborted automatically: ${n(failures, 'en')} of ${n(finished, 'en')} finished buttons failed (${pct((failures * 100) / finished, 'en')}), at or above the ${pct(threshold, 'en')} threshold. Buttons that had not started were withdrawn; switched buttons keep the new firmware.`,
  abortedBy: (who: string, failures: number, finished: number) =>
    `Aborted by ${who} with ${n(failures, 'en')} of ${n(finished, 'en')} finished buttons failed. Buttons that had not started were withdrawn.`,
  completedNote: 'Every stage finished.',
  widen: 'Widen to the next stage',
  pause: 'Pause',
  resume: 'Resume',
  abort: 'Abort',
  abortConfirm:
    'Abort this rollout? Buttons that have not started are withdrawn; this cannot be undone.',
  refresh: 'Refresh',
  buttonsOfRollout: 'Buttons in this rollout',
  noMembers: 'No button assigned yet.',
  device: 'Button',
  state: 'State',
  reason: 'Reason',
  block: 'Block',
  updated: 'Updated',
  settingsTitle: 'Button settings',
  settingsExplained:
    'Settings reach a button at its next press and apply at the wake after. Wi-Fi passwords are sent to the button only and never shown again: leave one empty to keep it.',
  deviceId: 'Device id',
  load: 'Load',
  led: 'LED brightness (%)',
  doubleMs: 'Double-click window (ms)',
  longMs: 'Long press from (ms)',
  double: 'Second click',
  doubleActions: { order: 'Order again', cancel: 'Cancel the order', none: 'Nothing' },
  longCancels: 'A long press cancels the last order',
  wifi: (i: number) => `Wi-Fi network ${n(i, 'en')}`,
  ssid: 'Network name',
  pass: 'Password',
  passKept: 'Stored — leave empty to keep',
  saveSettings: 'Save settings',
  saved: (version: number) => `Saved as settings version ${n(version, 'en')}.`,
  reported: (desired: number | null, cfg: number | null, fw: number | null) =>
    desired === null
      ? 'No settings set for this button yet.'
      : cfg === desired
        ? `The button runs settings version ${n(desired, 'en')}${fw === null ? '' : ` on firmware ${n(fw, 'en')}`}.`
        : `Waiting: the button last reported settings version ${cfg === null ? 'none' : n(cfg, 'en')}${fw === null ? '' : ` on firmware ${n(fw, 'en')}`}; it takes version ${n(desired, 'en')} at its next press.`,
};

export type RolloutMessages = typeof en;

const fr: RolloutMessages = {
  rolloutsTitle: 'Déploiements de firmware',
  rolloutsExplained:
    'Un déploiement envoie une image de firmware à une part croissante de vos boutons. Chaque bouton la prend à son prochain appui ; un bouton dont le nouveau firmware ne joint pas le cloud revient seul à l’ancien.',
  noRollouts: 'Aucun déploiement pour l’instant.',
  rollout: 'Déploiement',
  firmware: 'Firmware',
  status: 'État',
  stage: 'Étape',
  stageOf: (stage, stages, percent) =>
    `${n(stage, 'fr')} sur ${n(stages, 'fr')} (${pct(percent, 'fr')} du parc)`,
  progress: 'Basculés / en échec / en attente',
  progressCell: (switched, failed, waiting) =>
    `${n(switched, 'fr')} / ${n(failed, 'fr')} / ${n(waiting, 'fr')}`,
  created: 'Lancé',
  open: 'Ouvrir',
  openNamed: (id) => `Ouvrir le déploiement ${id}`,
  statuses: { active: 'En cours', paused: 'En pause', aborted: 'Interrompu', completed: 'Terminé' },
  states: {
    pending: 'En attente',
    downloading: 'Téléchargement',
    verifying: 'Vérification',
    switched: 'Basculé',
    rolled_back: 'Revenu en arrière',
    failed: 'Échec',
    cancelled: 'Retiré',
  },
  newRolloutTitle: 'Nouveau déploiement',
  imageFile: 'Image du firmware',
  imageFileHint: 'Le bundle construit ; vide pour une image déjà envoyée sous cette version',
  version: 'Version du firmware',
  versionHint: 'Le numéro que le firmware annonce une fois lancé',
  stages: 'Étapes (% du parc)',
  stagesHint: 'Parts croissantes séparées par des virgules, p. ex. 10, 50, 100',
  autoWiden: 'Élargir seul à un taux de réussite de (%)',
  autoWidenHint: 'Une fois tous les boutons de l’étape terminés ; vide pour élargir à la main',
  failurePct: 'Interrompre à un taux d’échec de (%)',
  minFinished: '…compté à partir de ce nombre de boutons terminés',
  startRollout: 'Envoyer et lancer',
  uploading: (bytes) => `Envoi de ${n(bytes, 'fr')} octets…`,
  started: (id, assigned) =>
    `Déploiement ${id} lancé : ${n(assigned, 'fr')} boutons prennent la mise à jour à leur prochain appui.`,
  badStages: 'Les étapes sont des pourcentages entiers croissants de 1 à 100, p. ex. 10, 50, 100.',
  detailTitle: (id) => `Déploiement ${id}`,
  fleet: 'Parc',
  assigned: 'Attribués',
  abortedBecause: (failures, finished, threshold) =>
    `Interrompu automatiquement : ${n(failures, 'fr')} des ${n(finished, 'fr')} boutons terminés ont échoué (${pct((failures * 100) / finished, 'fr')}), au seuil de ${pct(threshold, 'fr')} ou au-delà. Les boutons qui n’avaient pas commencé ont été retirés ; les boutons basculés gardent le nouveau firmware.`,
  abortedBy: (who, failures, finished) =>
    `Interrompu par ${who} avec ${n(failures, 'fr')} des ${n(finished, 'fr')} boutons terminés en échec. Les boutons qui n’avaient pas commencé ont été retirés.`,
  completedNote: 'Toutes les étapes sont terminées.',
  widen: 'Passer à l’étape suivante',
  pause: 'Mettre en pause',
  resume: 'Reprendre',
  abort: 'Interrompre',
  abortConfirm:
    'Interrompre ce déploiement ? Les boutons qui n’ont pas commencé sont retirés ; c’est définitif.',
  refresh: 'Actualiser',
  buttonsOfRollout: 'Boutons de ce déploiement',
  noMembers: 'Aucun bouton attribué pour l’instant.',
  device: 'Bouton',
  state: 'État',
  reason: 'Motif',
  block: 'Bloc',
  updated: 'Mis à jour',
  settingsTitle: 'Réglages des boutons',
  settingsExplained:
    'Les réglages arrivent au bouton à son prochain appui et s’appliquent au réveil suivant. Les mots de passe Wi-Fi ne vont qu’au bouton et ne sont plus affichés : laissez vide pour garder.',
  deviceId: 'Identifiant du bouton',
  load: 'Charger',
  led: 'Luminosité de la LED (%)',
  doubleMs: 'Fenêtre du double clic (ms)',
  longMs: 'Appui long à partir de (ms)',
  double: 'Second clic',
  doubleActions: { order: 'Commander encore', cancel: 'Annuler la commande', none: 'Rien' },
  longCancels: 'Un appui long annule la dernière commande',
  wifi: (i) => `Réseau Wi-Fi ${n(i, 'fr')}`,
  ssid: 'Nom du réseau',
  pass: 'Mot de passe',
  passKept: 'Enregistré — vide pour garder',
  saveSettings: 'Enregistrer les réglages',
  saved: (version) => `Enregistré comme version ${n(version, 'fr')} des réglages.`,
  reported: (desired, cfg, fw) =>
    desired === null
      ? 'Aucun réglage défini pour ce bouton.'
      : cfg === desired
        ? `Le bouton applique la version ${n(desired, 'fr')} des réglages${fw === null ? '' : ` sur le firmware ${n(fw, 'fr')}`}.`
        : `En attente : le bouton a annoncé la version ${cfg === null ? 'aucune' : n(cfg, 'fr')} des réglages${fw === null ? '' : ` sur le firmware ${n(fw, 'fr')}`} ; il prendra la version ${n(desired, 'fr')} à son prochain appui.`,
};

const CATALOG: Record<Locale, RolloutMessages> = { en, fr };

export function rm(): RolloutMessages {
  return CATALOG[locale()];
}
