/** A missing prerequisite or a bad option; its message is the one line to show the user. */
export class KafkaLauncherError extends Error {}
