// Public API of the load-monitoring part; each file below exports one concern.
export {};
