// The client's code lens titles, in one vscode-free place so tests can hold the lens line to its width.
//
// Codicons (`$(play)`), not emoji: VS Code draws each as an icon from its own font, where an emoji needs an emoji font
// and shows an empty box without one; a lens link then reads just `Run`. Every title is short because VS Code draws
// all lenses of a line on one line: the cost model's lens and the best sweep lens share it with these.

export const RUN_TITLE = "$(play) Run";
export const PROFILE_TITLE = "$(watch) Profile";
/** In an untrusted workspace, instead of Run and Profile: it explains why nothing runs and offers to manage trust. */
export const UNTRUSTED_RUN_TITLE = "$(lock) Run: trust workspace";
export const SWEEP_TITLE = "$(search) Sweep";
