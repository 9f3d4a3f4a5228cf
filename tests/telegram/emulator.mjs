// Starts the telegram-test-api Bot API emulator on 127.0.0.1 for Quell's end-to-end test.
// Usage: node emulator.mjs PORT. Prints "ready" once it listens; stops on SIGTERM.
import TelegramServer from 'telegram-test-api';

const port = Number(process.argv[2]);
if (!port) {
  console.error('usage: node emulator.mjs PORT');
  process.exit(2);
}
// Its client routes and webhook calls are unawaited promises: a bad request must not kill it.
process.on('unhandledRejection', (error) => console.error('emulator:', error));

const server = new TelegramServer({ host: '127.0.0.1', port, storeTimeout: 600 });
await server.start();
console.log('ready');
const stop = async () => {
  await server.stop();
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
