/** Importing this module registers every experiment. */
import './quickstart.ts';
import './ablation-bcd.ts';
import './ablation-ka.ts';
import './kd-zoo.ts';
import './ablation-fsd.ts';
import './table-sod.ts';
import './csnet-dwd.ts';
import './csnet-released.ts';
