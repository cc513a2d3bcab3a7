import { setTimeout as setTimeout$1 } from 'node:timers/promises';
import { P as PromoteError, I as InputError } from './errors.js';
import { mkdir, writeFile, symlink } from 'node:fs/promises';
import 'node:os';
import { dirname, join, posix } from 'node:path';
import { $ as RequestError, a0 as getOctokit, N as MAX_LINK_HOPS, O as linkTargetInRepo } from './github.js';
import 'node:url';
import { STATUS_CODES } from 'node:http';
import { j as commonjsGlobal, k as getDefaultExportFromCjs } from './index.js';

/**
 * What a promotion read from one commit, and whether a later commit changed any of it. After a
 * lost race the api method asks GitHub what changed between the commit it read and the new head
 * (one compare request): when none of it touches the read set, the edit, its render proof and
 * the commit's file contents all stand, and the same commit is sent again on the new head
 * instead of reading, editing and rendering everything anew.
 */
/** Whether any change could alter what was read: false only when that is certain. */
function changesTouch(reads, changes) {
    return changes.some(change => {
        if (change.status === 'unchanged')
            return false;
        const paths = change.previous_filename !== undefined && change.status !== 'copied'
            ? [change.filename, change.previous_filename]
            : [change.filename];
        return paths.some(path => pathTouched(reads, path, change.status));
    });
}
function pathTouched(reads, path, status) {
    if (reads.probed.has(path))
        return true;
    const parts = path.split('/');
    for (let i = parts.length - 1; i >= 0; i--) {
        const ancestor = parts.slice(0, i).join('/');
        const seen = reads.probed.get(ancestor);
        // Seen as a file, a link or nothing: a child appearing or going changes that answer.
        if (seen === 'other')
            return true;
        if (status === 'modified')
            continue;
        // A child added or removed changes a listing; a removal may leave a directory empty, gone.
        if (reads.listed.has(ancestor))
            return true;
        if (seen === 'dir' && status !== 'added' && status !== 'copied')
            return true;
    }
    return false;
}
/**
 * Whether a contents answer for `path` stands after `changed` (paths added, removed or modified
 * between two commits): none of them is the path, below it (a listing or a directory's sha
 * changes) or above it (a file or link replaced by a directory, or the reverse). The root lists
 * everything, so any change touches it.
 */
function answerStands(path, changed) {
    if (path === '')
        return changed.length === 0;
    return changed.every(c => c !== path && !c.startsWith(`${path}/`) && !path.startsWith(`${c}/`));
}

var light$1 = {exports: {}};

/**
  * This file contains the Bottleneck library (MIT), compiled to ES2017, and without Clustering support.
  * https://github.com/SGrondin/bottleneck
  */
var light = light$1.exports;

var hasRequiredLight;

function requireLight () {
	if (hasRequiredLight) return light$1.exports;
	hasRequiredLight = 1;
	(function (module, exports) {
		(function (global, factory) {
			module.exports = factory() ;
		}(light, (function () {
			var commonjsGlobal$1 = typeof globalThis !== 'undefined' ? globalThis : typeof window !== 'undefined' ? window : typeof commonjsGlobal !== 'undefined' ? commonjsGlobal : typeof self !== 'undefined' ? self : {};

			function getCjsExportFromNamespace (n) {
				return n && n['default'] || n;
			}

			var load = function(received, defaults, onto = {}) {
			  var k, ref, v;
			  for (k in defaults) {
			    v = defaults[k];
			    onto[k] = (ref = received[k]) != null ? ref : v;
			  }
			  return onto;
			};

			var overwrite = function(received, defaults, onto = {}) {
			  var k, v;
			  for (k in received) {
			    v = received[k];
			    if (defaults[k] !== void 0) {
			      onto[k] = v;
			    }
			  }
			  return onto;
			};

			var parser = {
				load: load,
				overwrite: overwrite
			};

			var DLList;

			DLList = class DLList {
			  constructor(incr, decr) {
			    this.incr = incr;
			    this.decr = decr;
			    this._first = null;
			    this._last = null;
			    this.length = 0;
			  }

			  push(value) {
			    var node;
			    this.length++;
			    if (typeof this.incr === "function") {
			      this.incr();
			    }
			    node = {
			      value,
			      prev: this._last,
			      next: null
			    };
			    if (this._last != null) {
			      this._last.next = node;
			      this._last = node;
			    } else {
			      this._first = this._last = node;
			    }
			    return void 0;
			  }

			  shift() {
			    var value;
			    if (this._first == null) {
			      return;
			    } else {
			      this.length--;
			      if (typeof this.decr === "function") {
			        this.decr();
			      }
			    }
			    value = this._first.value;
			    if ((this._first = this._first.next) != null) {
			      this._first.prev = null;
			    } else {
			      this._last = null;
			    }
			    return value;
			  }

			  first() {
			    if (this._first != null) {
			      return this._first.value;
			    }
			  }

			  getArray() {
			    var node, ref, results;
			    node = this._first;
			    results = [];
			    while (node != null) {
			      results.push((ref = node, node = node.next, ref.value));
			    }
			    return results;
			  }

			  forEachShift(cb) {
			    var node;
			    node = this.shift();
			    while (node != null) {
			      (cb(node), node = this.shift());
			    }
			    return void 0;
			  }

			  debug() {
			    var node, ref, ref1, ref2, results;
			    node = this._first;
			    results = [];
			    while (node != null) {
			      results.push((ref = node, node = node.next, {
			        value: ref.value,
			        prev: (ref1 = ref.prev) != null ? ref1.value : void 0,
			        next: (ref2 = ref.next) != null ? ref2.value : void 0
			      }));
			    }
			    return results;
			  }

			};

			var DLList_1 = DLList;

			var Events;

			Events = class Events {
			  constructor(instance) {
			    this.instance = instance;
			    this._events = {};
			    if ((this.instance.on != null) || (this.instance.once != null) || (this.instance.removeAllListeners != null)) {
			      throw new Error("An Emitter already exists for this object");
			    }
			    this.instance.on = (name, cb) => {
			      return this._addListener(name, "many", cb);
			    };
			    this.instance.once = (name, cb) => {
			      return this._addListener(name, "once", cb);
			    };
			    this.instance.removeAllListeners = (name = null) => {
			      if (name != null) {
			        return delete this._events[name];
			      } else {
			        return this._events = {};
			      }
			    };
			  }

			  _addListener(name, status, cb) {
			    var base;
			    if ((base = this._events)[name] == null) {
			      base[name] = [];
			    }
			    this._events[name].push({cb, status});
			    return this.instance;
			  }

			  listenerCount(name) {
			    if (this._events[name] != null) {
			      return this._events[name].length;
			    } else {
			      return 0;
			    }
			  }

			  async trigger(name, ...args) {
			    var e, promises;
			    try {
			      if (name !== "debug") {
			        this.trigger("debug", `Event triggered: ${name}`, args);
			      }
			      if (this._events[name] == null) {
			        return;
			      }
			      this._events[name] = this._events[name].filter(function(listener) {
			        return listener.status !== "none";
			      });
			      promises = this._events[name].map(async(listener) => {
			        var e, returned;
			        if (listener.status === "none") {
			          return;
			        }
			        if (listener.status === "once") {
			          listener.status = "none";
			        }
			        try {
			          returned = typeof listener.cb === "function" ? listener.cb(...args) : void 0;
			          if (typeof (returned != null ? returned.then : void 0) === "function") {
			            return (await returned);
			          } else {
			            return returned;
			          }
			        } catch (error) {
			          e = error;
			          {
			            this.trigger("error", e);
			          }
			          return null;
			        }
			      });
			      return ((await Promise.all(promises))).find(function(x) {
			        return x != null;
			      });
			    } catch (error) {
			      e = error;
			      {
			        this.trigger("error", e);
			      }
			      return null;
			    }
			  }

			};

			var Events_1 = Events;

			var DLList$1, Events$1, Queues;

			DLList$1 = DLList_1;

			Events$1 = Events_1;

			Queues = class Queues {
			  constructor(num_priorities) {
			    this.Events = new Events$1(this);
			    this._length = 0;
			    this._lists = (function() {
			      var j, ref, results;
			      results = [];
			      for (j = 1, ref = num_priorities; (1 <= ref ? j <= ref : j >= ref); 1 <= ref ? ++j : --j) {
			        results.push(new DLList$1((() => {
			          return this.incr();
			        }), (() => {
			          return this.decr();
			        })));
			      }
			      return results;
			    }).call(this);
			  }

			  incr() {
			    if (this._length++ === 0) {
			      return this.Events.trigger("leftzero");
			    }
			  }

			  decr() {
			    if (--this._length === 0) {
			      return this.Events.trigger("zero");
			    }
			  }

			  push(job) {
			    return this._lists[job.options.priority].push(job);
			  }

			  queued(priority) {
			    if (priority != null) {
			      return this._lists[priority].length;
			    } else {
			      return this._length;
			    }
			  }

			  shiftAll(fn) {
			    return this._lists.forEach(function(list) {
			      return list.forEachShift(fn);
			    });
			  }

			  getFirst(arr = this._lists) {
			    var j, len, list;
			    for (j = 0, len = arr.length; j < len; j++) {
			      list = arr[j];
			      if (list.length > 0) {
			        return list;
			      }
			    }
			    return [];
			  }

			  shiftLastFrom(priority) {
			    return this.getFirst(this._lists.slice(priority).reverse()).shift();
			  }

			};

			var Queues_1 = Queues;

			var BottleneckError;

			BottleneckError = class BottleneckError extends Error {};

			var BottleneckError_1 = BottleneckError;

			var BottleneckError$1, DEFAULT_PRIORITY, Job, NUM_PRIORITIES, parser$1;

			NUM_PRIORITIES = 10;

			DEFAULT_PRIORITY = 5;

			parser$1 = parser;

			BottleneckError$1 = BottleneckError_1;

			Job = class Job {
			  constructor(task, args, options, jobDefaults, rejectOnDrop, Events, _states, Promise) {
			    this.task = task;
			    this.args = args;
			    this.rejectOnDrop = rejectOnDrop;
			    this.Events = Events;
			    this._states = _states;
			    this.Promise = Promise;
			    this.options = parser$1.load(options, jobDefaults);
			    this.options.priority = this._sanitizePriority(this.options.priority);
			    if (this.options.id === jobDefaults.id) {
			      this.options.id = `${this.options.id}-${this._randomIndex()}`;
			    }
			    this.promise = new this.Promise((_resolve, _reject) => {
			      this._resolve = _resolve;
			      this._reject = _reject;
			    });
			    this.retryCount = 0;
			  }

			  _sanitizePriority(priority) {
			    var sProperty;
			    sProperty = ~~priority !== priority ? DEFAULT_PRIORITY : priority;
			    if (sProperty < 0) {
			      return 0;
			    } else if (sProperty > NUM_PRIORITIES - 1) {
			      return NUM_PRIORITIES - 1;
			    } else {
			      return sProperty;
			    }
			  }

			  _randomIndex() {
			    return Math.random().toString(36).slice(2);
			  }

			  doDrop({error, message = "This job has been dropped by Bottleneck"} = {}) {
			    if (this._states.remove(this.options.id)) {
			      if (this.rejectOnDrop) {
			        this._reject(error != null ? error : new BottleneckError$1(message));
			      }
			      this.Events.trigger("dropped", {args: this.args, options: this.options, task: this.task, promise: this.promise});
			      return true;
			    } else {
			      return false;
			    }
			  }

			  _assertStatus(expected) {
			    var status;
			    status = this._states.jobStatus(this.options.id);
			    if (!(status === expected || (expected === "DONE" && status === null))) {
			      throw new BottleneckError$1(`Invalid job status ${status}, expected ${expected}. Please open an issue at https://github.com/SGrondin/bottleneck/issues`);
			    }
			  }

			  doReceive() {
			    this._states.start(this.options.id);
			    return this.Events.trigger("received", {args: this.args, options: this.options});
			  }

			  doQueue(reachedHWM, blocked) {
			    this._assertStatus("RECEIVED");
			    this._states.next(this.options.id);
			    return this.Events.trigger("queued", {args: this.args, options: this.options, reachedHWM, blocked});
			  }

			  doRun() {
			    if (this.retryCount === 0) {
			      this._assertStatus("QUEUED");
			      this._states.next(this.options.id);
			    } else {
			      this._assertStatus("EXECUTING");
			    }
			    return this.Events.trigger("scheduled", {args: this.args, options: this.options});
			  }

			  async doExecute(chained, clearGlobalState, run, free) {
			    var error, eventInfo, passed;
			    if (this.retryCount === 0) {
			      this._assertStatus("RUNNING");
			      this._states.next(this.options.id);
			    } else {
			      this._assertStatus("EXECUTING");
			    }
			    eventInfo = {args: this.args, options: this.options, retryCount: this.retryCount};
			    this.Events.trigger("executing", eventInfo);
			    try {
			      passed = (await (chained != null ? chained.schedule(this.options, this.task, ...this.args) : this.task(...this.args)));
			      if (clearGlobalState()) {
			        this.doDone(eventInfo);
			        await free(this.options, eventInfo);
			        this._assertStatus("DONE");
			        return this._resolve(passed);
			      }
			    } catch (error1) {
			      error = error1;
			      return this._onFailure(error, eventInfo, clearGlobalState, run, free);
			    }
			  }

			  doExpire(clearGlobalState, run, free) {
			    var error, eventInfo;
			    if (this._states.jobStatus(this.options.id === "RUNNING")) {
			      this._states.next(this.options.id);
			    }
			    this._assertStatus("EXECUTING");
			    eventInfo = {args: this.args, options: this.options, retryCount: this.retryCount};
			    error = new BottleneckError$1(`This job timed out after ${this.options.expiration} ms.`);
			    return this._onFailure(error, eventInfo, clearGlobalState, run, free);
			  }

			  async _onFailure(error, eventInfo, clearGlobalState, run, free) {
			    var retry, retryAfter;
			    if (clearGlobalState()) {
			      retry = (await this.Events.trigger("failed", error, eventInfo));
			      if (retry != null) {
			        retryAfter = ~~retry;
			        this.Events.trigger("retry", `Retrying ${this.options.id} after ${retryAfter} ms`, eventInfo);
			        this.retryCount++;
			        return run(retryAfter);
			      } else {
			        this.doDone(eventInfo);
			        await free(this.options, eventInfo);
			        this._assertStatus("DONE");
			        return this._reject(error);
			      }
			    }
			  }

			  doDone(eventInfo) {
			    this._assertStatus("EXECUTING");
			    this._states.next(this.options.id);
			    return this.Events.trigger("done", eventInfo);
			  }

			};

			var Job_1 = Job;

			var BottleneckError$2, LocalDatastore, parser$2;

			parser$2 = parser;

			BottleneckError$2 = BottleneckError_1;

			LocalDatastore = class LocalDatastore {
			  constructor(instance, storeOptions, storeInstanceOptions) {
			    this.instance = instance;
			    this.storeOptions = storeOptions;
			    this.clientId = this.instance._randomIndex();
			    parser$2.load(storeInstanceOptions, storeInstanceOptions, this);
			    this._nextRequest = this._lastReservoirRefresh = this._lastReservoirIncrease = Date.now();
			    this._running = 0;
			    this._done = 0;
			    this._unblockTime = 0;
			    this.ready = this.Promise.resolve();
			    this.clients = {};
			    this._startHeartbeat();
			  }

			  _startHeartbeat() {
			    var base;
			    if ((this.heartbeat == null) && (((this.storeOptions.reservoirRefreshInterval != null) && (this.storeOptions.reservoirRefreshAmount != null)) || ((this.storeOptions.reservoirIncreaseInterval != null) && (this.storeOptions.reservoirIncreaseAmount != null)))) {
			      return typeof (base = (this.heartbeat = setInterval(() => {
			        var amount, incr, maximum, now, reservoir;
			        now = Date.now();
			        if ((this.storeOptions.reservoirRefreshInterval != null) && now >= this._lastReservoirRefresh + this.storeOptions.reservoirRefreshInterval) {
			          this._lastReservoirRefresh = now;
			          this.storeOptions.reservoir = this.storeOptions.reservoirRefreshAmount;
			          this.instance._drainAll(this.computeCapacity());
			        }
			        if ((this.storeOptions.reservoirIncreaseInterval != null) && now >= this._lastReservoirIncrease + this.storeOptions.reservoirIncreaseInterval) {
			          ({
			            reservoirIncreaseAmount: amount,
			            reservoirIncreaseMaximum: maximum,
			            reservoir
			          } = this.storeOptions);
			          this._lastReservoirIncrease = now;
			          incr = maximum != null ? Math.min(amount, maximum - reservoir) : amount;
			          if (incr > 0) {
			            this.storeOptions.reservoir += incr;
			            return this.instance._drainAll(this.computeCapacity());
			          }
			        }
			      }, this.heartbeatInterval))).unref === "function" ? base.unref() : void 0;
			    } else {
			      return clearInterval(this.heartbeat);
			    }
			  }

			  async __publish__(message) {
			    await this.yieldLoop();
			    return this.instance.Events.trigger("message", message.toString());
			  }

			  async __disconnect__(flush) {
			    await this.yieldLoop();
			    clearInterval(this.heartbeat);
			    return this.Promise.resolve();
			  }

			  yieldLoop(t = 0) {
			    return new this.Promise(function(resolve, reject) {
			      return setTimeout(resolve, t);
			    });
			  }

			  computePenalty() {
			    var ref;
			    return (ref = this.storeOptions.penalty) != null ? ref : (15 * this.storeOptions.minTime) || 5000;
			  }

			  async __updateSettings__(options) {
			    await this.yieldLoop();
			    parser$2.overwrite(options, options, this.storeOptions);
			    this._startHeartbeat();
			    this.instance._drainAll(this.computeCapacity());
			    return true;
			  }

			  async __running__() {
			    await this.yieldLoop();
			    return this._running;
			  }

			  async __queued__() {
			    await this.yieldLoop();
			    return this.instance.queued();
			  }

			  async __done__() {
			    await this.yieldLoop();
			    return this._done;
			  }

			  async __groupCheck__(time) {
			    await this.yieldLoop();
			    return (this._nextRequest + this.timeout) < time;
			  }

			  computeCapacity() {
			    var maxConcurrent, reservoir;
			    ({maxConcurrent, reservoir} = this.storeOptions);
			    if ((maxConcurrent != null) && (reservoir != null)) {
			      return Math.min(maxConcurrent - this._running, reservoir);
			    } else if (maxConcurrent != null) {
			      return maxConcurrent - this._running;
			    } else if (reservoir != null) {
			      return reservoir;
			    } else {
			      return null;
			    }
			  }

			  conditionsCheck(weight) {
			    var capacity;
			    capacity = this.computeCapacity();
			    return (capacity == null) || weight <= capacity;
			  }

			  async __incrementReservoir__(incr) {
			    var reservoir;
			    await this.yieldLoop();
			    reservoir = this.storeOptions.reservoir += incr;
			    this.instance._drainAll(this.computeCapacity());
			    return reservoir;
			  }

			  async __currentReservoir__() {
			    await this.yieldLoop();
			    return this.storeOptions.reservoir;
			  }

			  isBlocked(now) {
			    return this._unblockTime >= now;
			  }

			  check(weight, now) {
			    return this.conditionsCheck(weight) && (this._nextRequest - now) <= 0;
			  }

			  async __check__(weight) {
			    var now;
			    await this.yieldLoop();
			    now = Date.now();
			    return this.check(weight, now);
			  }

			  async __register__(index, weight, expiration) {
			    var now, wait;
			    await this.yieldLoop();
			    now = Date.now();
			    if (this.conditionsCheck(weight)) {
			      this._running += weight;
			      if (this.storeOptions.reservoir != null) {
			        this.storeOptions.reservoir -= weight;
			      }
			      wait = Math.max(this._nextRequest - now, 0);
			      this._nextRequest = now + wait + this.storeOptions.minTime;
			      return {
			        success: true,
			        wait,
			        reservoir: this.storeOptions.reservoir
			      };
			    } else {
			      return {
			        success: false
			      };
			    }
			  }

			  strategyIsBlock() {
			    return this.storeOptions.strategy === 3;
			  }

			  async __submit__(queueLength, weight) {
			    var blocked, now, reachedHWM;
			    await this.yieldLoop();
			    if ((this.storeOptions.maxConcurrent != null) && weight > this.storeOptions.maxConcurrent) {
			      throw new BottleneckError$2(`Impossible to add a job having a weight of ${weight} to a limiter having a maxConcurrent setting of ${this.storeOptions.maxConcurrent}`);
			    }
			    now = Date.now();
			    reachedHWM = (this.storeOptions.highWater != null) && queueLength === this.storeOptions.highWater && !this.check(weight, now);
			    blocked = this.strategyIsBlock() && (reachedHWM || this.isBlocked(now));
			    if (blocked) {
			      this._unblockTime = now + this.computePenalty();
			      this._nextRequest = this._unblockTime + this.storeOptions.minTime;
			      this.instance._dropAllQueued();
			    }
			    return {
			      reachedHWM,
			      blocked,
			      strategy: this.storeOptions.strategy
			    };
			  }

			  async __free__(index, weight) {
			    await this.yieldLoop();
			    this._running -= weight;
			    this._done += weight;
			    this.instance._drainAll(this.computeCapacity());
			    return {
			      running: this._running
			    };
			  }

			};

			var LocalDatastore_1 = LocalDatastore;

			var BottleneckError$3, States;

			BottleneckError$3 = BottleneckError_1;

			States = class States {
			  constructor(status1) {
			    this.status = status1;
			    this._jobs = {};
			    this.counts = this.status.map(function() {
			      return 0;
			    });
			  }

			  next(id) {
			    var current, next;
			    current = this._jobs[id];
			    next = current + 1;
			    if ((current != null) && next < this.status.length) {
			      this.counts[current]--;
			      this.counts[next]++;
			      return this._jobs[id]++;
			    } else if (current != null) {
			      this.counts[current]--;
			      return delete this._jobs[id];
			    }
			  }

			  start(id) {
			    var initial;
			    initial = 0;
			    this._jobs[id] = initial;
			    return this.counts[initial]++;
			  }

			  remove(id) {
			    var current;
			    current = this._jobs[id];
			    if (current != null) {
			      this.counts[current]--;
			      delete this._jobs[id];
			    }
			    return current != null;
			  }

			  jobStatus(id) {
			    var ref;
			    return (ref = this.status[this._jobs[id]]) != null ? ref : null;
			  }

			  statusJobs(status) {
			    var k, pos, ref, results, v;
			    if (status != null) {
			      pos = this.status.indexOf(status);
			      if (pos < 0) {
			        throw new BottleneckError$3(`status must be one of ${this.status.join(', ')}`);
			      }
			      ref = this._jobs;
			      results = [];
			      for (k in ref) {
			        v = ref[k];
			        if (v === pos) {
			          results.push(k);
			        }
			      }
			      return results;
			    } else {
			      return Object.keys(this._jobs);
			    }
			  }

			  statusCounts() {
			    return this.counts.reduce(((acc, v, i) => {
			      acc[this.status[i]] = v;
			      return acc;
			    }), {});
			  }

			};

			var States_1 = States;

			var DLList$2, Sync;

			DLList$2 = DLList_1;

			Sync = class Sync {
			  constructor(name, Promise) {
			    this.schedule = this.schedule.bind(this);
			    this.name = name;
			    this.Promise = Promise;
			    this._running = 0;
			    this._queue = new DLList$2();
			  }

			  isEmpty() {
			    return this._queue.length === 0;
			  }

			  async _tryToRun() {
			    var args, cb, error, reject, resolve, returned, task;
			    if ((this._running < 1) && this._queue.length > 0) {
			      this._running++;
			      ({task, args, resolve, reject} = this._queue.shift());
			      cb = (await (async function() {
			        try {
			          returned = (await task(...args));
			          return function() {
			            return resolve(returned);
			          };
			        } catch (error1) {
			          error = error1;
			          return function() {
			            return reject(error);
			          };
			        }
			      })());
			      this._running--;
			      this._tryToRun();
			      return cb();
			    }
			  }

			  schedule(task, ...args) {
			    var promise, reject, resolve;
			    resolve = reject = null;
			    promise = new this.Promise(function(_resolve, _reject) {
			      resolve = _resolve;
			      return reject = _reject;
			    });
			    this._queue.push({task, args, resolve, reject});
			    this._tryToRun();
			    return promise;
			  }

			};

			var Sync_1 = Sync;

			var version = "2.19.5";
			var version$1 = {
				version: version
			};

			var version$2 = /*#__PURE__*/Object.freeze({
				version: version,
				default: version$1
			});

			var require$$2 = () => console.log('You must import the full version of Bottleneck in order to use this feature.');

			var require$$3 = () => console.log('You must import the full version of Bottleneck in order to use this feature.');

			var require$$4 = () => console.log('You must import the full version of Bottleneck in order to use this feature.');

			var Events$2, Group, IORedisConnection$1, RedisConnection$1, Scripts$1, parser$3;

			parser$3 = parser;

			Events$2 = Events_1;

			RedisConnection$1 = require$$2;

			IORedisConnection$1 = require$$3;

			Scripts$1 = require$$4;

			Group = (function() {
			  class Group {
			    constructor(limiterOptions = {}) {
			      this.deleteKey = this.deleteKey.bind(this);
			      this.limiterOptions = limiterOptions;
			      parser$3.load(this.limiterOptions, this.defaults, this);
			      this.Events = new Events$2(this);
			      this.instances = {};
			      this.Bottleneck = Bottleneck_1;
			      this._startAutoCleanup();
			      this.sharedConnection = this.connection != null;
			      if (this.connection == null) {
			        if (this.limiterOptions.datastore === "redis") {
			          this.connection = new RedisConnection$1(Object.assign({}, this.limiterOptions, {Events: this.Events}));
			        } else if (this.limiterOptions.datastore === "ioredis") {
			          this.connection = new IORedisConnection$1(Object.assign({}, this.limiterOptions, {Events: this.Events}));
			        }
			      }
			    }

			    key(key = "") {
			      var ref;
			      return (ref = this.instances[key]) != null ? ref : (() => {
			        var limiter;
			        limiter = this.instances[key] = new this.Bottleneck(Object.assign(this.limiterOptions, {
			          id: `${this.id}-${key}`,
			          timeout: this.timeout,
			          connection: this.connection
			        }));
			        this.Events.trigger("created", limiter, key);
			        return limiter;
			      })();
			    }

			    async deleteKey(key = "") {
			      var deleted, instance;
			      instance = this.instances[key];
			      if (this.connection) {
			        deleted = (await this.connection.__runCommand__(['del', ...Scripts$1.allKeys(`${this.id}-${key}`)]));
			      }
			      if (instance != null) {
			        delete this.instances[key];
			        await instance.disconnect();
			      }
			      return (instance != null) || deleted > 0;
			    }

			    limiters() {
			      var k, ref, results, v;
			      ref = this.instances;
			      results = [];
			      for (k in ref) {
			        v = ref[k];
			        results.push({
			          key: k,
			          limiter: v
			        });
			      }
			      return results;
			    }

			    keys() {
			      return Object.keys(this.instances);
			    }

			    async clusterKeys() {
			      var cursor, end, found, i, k, keys, len, next, start;
			      if (this.connection == null) {
			        return this.Promise.resolve(this.keys());
			      }
			      keys = [];
			      cursor = null;
			      start = `b_${this.id}-`.length;
			      end = "_settings".length;
			      while (cursor !== 0) {
			        [next, found] = (await this.connection.__runCommand__(["scan", cursor != null ? cursor : 0, "match", `b_${this.id}-*_settings`, "count", 10000]));
			        cursor = ~~next;
			        for (i = 0, len = found.length; i < len; i++) {
			          k = found[i];
			          keys.push(k.slice(start, -end));
			        }
			      }
			      return keys;
			    }

			    _startAutoCleanup() {
			      var base;
			      clearInterval(this.interval);
			      return typeof (base = (this.interval = setInterval(async() => {
			        var e, k, ref, results, time, v;
			        time = Date.now();
			        ref = this.instances;
			        results = [];
			        for (k in ref) {
			          v = ref[k];
			          try {
			            if ((await v._store.__groupCheck__(time))) {
			              results.push(this.deleteKey(k));
			            } else {
			              results.push(void 0);
			            }
			          } catch (error) {
			            e = error;
			            results.push(v.Events.trigger("error", e));
			          }
			        }
			        return results;
			      }, this.timeout / 2))).unref === "function" ? base.unref() : void 0;
			    }

			    updateSettings(options = {}) {
			      parser$3.overwrite(options, this.defaults, this);
			      parser$3.overwrite(options, options, this.limiterOptions);
			      if (options.timeout != null) {
			        return this._startAutoCleanup();
			      }
			    }

			    disconnect(flush = true) {
			      var ref;
			      if (!this.sharedConnection) {
			        return (ref = this.connection) != null ? ref.disconnect(flush) : void 0;
			      }
			    }

			  }
			  Group.prototype.defaults = {
			    timeout: 1000 * 60 * 5,
			    connection: null,
			    Promise: Promise,
			    id: "group-key"
			  };

			  return Group;

			}).call(commonjsGlobal$1);

			var Group_1 = Group;

			var Batcher, Events$3, parser$4;

			parser$4 = parser;

			Events$3 = Events_1;

			Batcher = (function() {
			  class Batcher {
			    constructor(options = {}) {
			      this.options = options;
			      parser$4.load(this.options, this.defaults, this);
			      this.Events = new Events$3(this);
			      this._arr = [];
			      this._resetPromise();
			      this._lastFlush = Date.now();
			    }

			    _resetPromise() {
			      return this._promise = new this.Promise((res, rej) => {
			        return this._resolve = res;
			      });
			    }

			    _flush() {
			      clearTimeout(this._timeout);
			      this._lastFlush = Date.now();
			      this._resolve();
			      this.Events.trigger("batch", this._arr);
			      this._arr = [];
			      return this._resetPromise();
			    }

			    add(data) {
			      var ret;
			      this._arr.push(data);
			      ret = this._promise;
			      if (this._arr.length === this.maxSize) {
			        this._flush();
			      } else if ((this.maxTime != null) && this._arr.length === 1) {
			        this._timeout = setTimeout(() => {
			          return this._flush();
			        }, this.maxTime);
			      }
			      return ret;
			    }

			  }
			  Batcher.prototype.defaults = {
			    maxTime: null,
			    maxSize: null,
			    Promise: Promise
			  };

			  return Batcher;

			}).call(commonjsGlobal$1);

			var Batcher_1 = Batcher;

			var require$$4$1 = () => console.log('You must import the full version of Bottleneck in order to use this feature.');

			var require$$8 = getCjsExportFromNamespace(version$2);

			var Bottleneck, DEFAULT_PRIORITY$1, Events$4, Job$1, LocalDatastore$1, NUM_PRIORITIES$1, Queues$1, RedisDatastore$1, States$1, Sync$1, parser$5,
			  splice = [].splice;

			NUM_PRIORITIES$1 = 10;

			DEFAULT_PRIORITY$1 = 5;

			parser$5 = parser;

			Queues$1 = Queues_1;

			Job$1 = Job_1;

			LocalDatastore$1 = LocalDatastore_1;

			RedisDatastore$1 = require$$4$1;

			Events$4 = Events_1;

			States$1 = States_1;

			Sync$1 = Sync_1;

			Bottleneck = (function() {
			  class Bottleneck {
			    constructor(options = {}, ...invalid) {
			      var storeInstanceOptions, storeOptions;
			      this._addToQueue = this._addToQueue.bind(this);
			      this._validateOptions(options, invalid);
			      parser$5.load(options, this.instanceDefaults, this);
			      this._queues = new Queues$1(NUM_PRIORITIES$1);
			      this._scheduled = {};
			      this._states = new States$1(["RECEIVED", "QUEUED", "RUNNING", "EXECUTING"].concat(this.trackDoneStatus ? ["DONE"] : []));
			      this._limiter = null;
			      this.Events = new Events$4(this);
			      this._submitLock = new Sync$1("submit", this.Promise);
			      this._registerLock = new Sync$1("register", this.Promise);
			      storeOptions = parser$5.load(options, this.storeDefaults, {});
			      this._store = (function() {
			        if (this.datastore === "redis" || this.datastore === "ioredis" || (this.connection != null)) {
			          storeInstanceOptions = parser$5.load(options, this.redisStoreDefaults, {});
			          return new RedisDatastore$1(this, storeOptions, storeInstanceOptions);
			        } else if (this.datastore === "local") {
			          storeInstanceOptions = parser$5.load(options, this.localStoreDefaults, {});
			          return new LocalDatastore$1(this, storeOptions, storeInstanceOptions);
			        } else {
			          throw new Bottleneck.prototype.BottleneckError(`Invalid datastore type: ${this.datastore}`);
			        }
			      }).call(this);
			      this._queues.on("leftzero", () => {
			        var ref;
			        return (ref = this._store.heartbeat) != null ? typeof ref.ref === "function" ? ref.ref() : void 0 : void 0;
			      });
			      this._queues.on("zero", () => {
			        var ref;
			        return (ref = this._store.heartbeat) != null ? typeof ref.unref === "function" ? ref.unref() : void 0 : void 0;
			      });
			    }

			    _validateOptions(options, invalid) {
			      if (!((options != null) && typeof options === "object" && invalid.length === 0)) {
			        throw new Bottleneck.prototype.BottleneckError("Bottleneck v2 takes a single object argument. Refer to https://github.com/SGrondin/bottleneck#upgrading-to-v2 if you're upgrading from Bottleneck v1.");
			      }
			    }

			    ready() {
			      return this._store.ready;
			    }

			    clients() {
			      return this._store.clients;
			    }

			    channel() {
			      return `b_${this.id}`;
			    }

			    channel_client() {
			      return `b_${this.id}_${this._store.clientId}`;
			    }

			    publish(message) {
			      return this._store.__publish__(message);
			    }

			    disconnect(flush = true) {
			      return this._store.__disconnect__(flush);
			    }

			    chain(_limiter) {
			      this._limiter = _limiter;
			      return this;
			    }

			    queued(priority) {
			      return this._queues.queued(priority);
			    }

			    clusterQueued() {
			      return this._store.__queued__();
			    }

			    empty() {
			      return this.queued() === 0 && this._submitLock.isEmpty();
			    }

			    running() {
			      return this._store.__running__();
			    }

			    done() {
			      return this._store.__done__();
			    }

			    jobStatus(id) {
			      return this._states.jobStatus(id);
			    }

			    jobs(status) {
			      return this._states.statusJobs(status);
			    }

			    counts() {
			      return this._states.statusCounts();
			    }

			    _randomIndex() {
			      return Math.random().toString(36).slice(2);
			    }

			    check(weight = 1) {
			      return this._store.__check__(weight);
			    }

			    _clearGlobalState(index) {
			      if (this._scheduled[index] != null) {
			        clearTimeout(this._scheduled[index].expiration);
			        delete this._scheduled[index];
			        return true;
			      } else {
			        return false;
			      }
			    }

			    async _free(index, job, options, eventInfo) {
			      var e, running;
			      try {
			        ({running} = (await this._store.__free__(index, options.weight)));
			        this.Events.trigger("debug", `Freed ${options.id}`, eventInfo);
			        if (running === 0 && this.empty()) {
			          return this.Events.trigger("idle");
			        }
			      } catch (error1) {
			        e = error1;
			        return this.Events.trigger("error", e);
			      }
			    }

			    _run(index, job, wait) {
			      var clearGlobalState, free, run;
			      job.doRun();
			      clearGlobalState = this._clearGlobalState.bind(this, index);
			      run = this._run.bind(this, index, job);
			      free = this._free.bind(this, index, job);
			      return this._scheduled[index] = {
			        timeout: setTimeout(() => {
			          return job.doExecute(this._limiter, clearGlobalState, run, free);
			        }, wait),
			        expiration: job.options.expiration != null ? setTimeout(function() {
			          return job.doExpire(clearGlobalState, run, free);
			        }, wait + job.options.expiration) : void 0,
			        job: job
			      };
			    }

			    _drainOne(capacity) {
			      return this._registerLock.schedule(() => {
			        var args, index, next, options, queue;
			        if (this.queued() === 0) {
			          return this.Promise.resolve(null);
			        }
			        queue = this._queues.getFirst();
			        ({options, args} = next = queue.first());
			        if ((capacity != null) && options.weight > capacity) {
			          return this.Promise.resolve(null);
			        }
			        this.Events.trigger("debug", `Draining ${options.id}`, {args, options});
			        index = this._randomIndex();
			        return this._store.__register__(index, options.weight, options.expiration).then(({success, wait, reservoir}) => {
			          var empty;
			          this.Events.trigger("debug", `Drained ${options.id}`, {success, args, options});
			          if (success) {
			            queue.shift();
			            empty = this.empty();
			            if (empty) {
			              this.Events.trigger("empty");
			            }
			            if (reservoir === 0) {
			              this.Events.trigger("depleted", empty);
			            }
			            this._run(index, next, wait);
			            return this.Promise.resolve(options.weight);
			          } else {
			            return this.Promise.resolve(null);
			          }
			        });
			      });
			    }

			    _drainAll(capacity, total = 0) {
			      return this._drainOne(capacity).then((drained) => {
			        var newCapacity;
			        if (drained != null) {
			          newCapacity = capacity != null ? capacity - drained : capacity;
			          return this._drainAll(newCapacity, total + drained);
			        } else {
			          return this.Promise.resolve(total);
			        }
			      }).catch((e) => {
			        return this.Events.trigger("error", e);
			      });
			    }

			    _dropAllQueued(message) {
			      return this._queues.shiftAll(function(job) {
			        return job.doDrop({message});
			      });
			    }

			    stop(options = {}) {
			      var done, waitForExecuting;
			      options = parser$5.load(options, this.stopDefaults);
			      waitForExecuting = (at) => {
			        var finished;
			        finished = () => {
			          var counts;
			          counts = this._states.counts;
			          return (counts[0] + counts[1] + counts[2] + counts[3]) === at;
			        };
			        return new this.Promise((resolve, reject) => {
			          if (finished()) {
			            return resolve();
			          } else {
			            return this.on("done", () => {
			              if (finished()) {
			                this.removeAllListeners("done");
			                return resolve();
			              }
			            });
			          }
			        });
			      };
			      done = options.dropWaitingJobs ? (this._run = function(index, next) {
			        return next.doDrop({
			          message: options.dropErrorMessage
			        });
			      }, this._drainOne = () => {
			        return this.Promise.resolve(null);
			      }, this._registerLock.schedule(() => {
			        return this._submitLock.schedule(() => {
			          var k, ref, v;
			          ref = this._scheduled;
			          for (k in ref) {
			            v = ref[k];
			            if (this.jobStatus(v.job.options.id) === "RUNNING") {
			              clearTimeout(v.timeout);
			              clearTimeout(v.expiration);
			              v.job.doDrop({
			                message: options.dropErrorMessage
			              });
			            }
			          }
			          this._dropAllQueued(options.dropErrorMessage);
			          return waitForExecuting(0);
			        });
			      })) : this.schedule({
			        priority: NUM_PRIORITIES$1 - 1,
			        weight: 0
			      }, () => {
			        return waitForExecuting(1);
			      });
			      this._receive = function(job) {
			        return job._reject(new Bottleneck.prototype.BottleneckError(options.enqueueErrorMessage));
			      };
			      this.stop = () => {
			        return this.Promise.reject(new Bottleneck.prototype.BottleneckError("stop() has already been called"));
			      };
			      return done;
			    }

			    async _addToQueue(job) {
			      var args, blocked, error, options, reachedHWM, shifted, strategy;
			      ({args, options} = job);
			      try {
			        ({reachedHWM, blocked, strategy} = (await this._store.__submit__(this.queued(), options.weight)));
			      } catch (error1) {
			        error = error1;
			        this.Events.trigger("debug", `Could not queue ${options.id}`, {args, options, error});
			        job.doDrop({error});
			        return false;
			      }
			      if (blocked) {
			        job.doDrop();
			        return true;
			      } else if (reachedHWM) {
			        shifted = strategy === Bottleneck.prototype.strategy.LEAK ? this._queues.shiftLastFrom(options.priority) : strategy === Bottleneck.prototype.strategy.OVERFLOW_PRIORITY ? this._queues.shiftLastFrom(options.priority + 1) : strategy === Bottleneck.prototype.strategy.OVERFLOW ? job : void 0;
			        if (shifted != null) {
			          shifted.doDrop();
			        }
			        if ((shifted == null) || strategy === Bottleneck.prototype.strategy.OVERFLOW) {
			          if (shifted == null) {
			            job.doDrop();
			          }
			          return reachedHWM;
			        }
			      }
			      job.doQueue(reachedHWM, blocked);
			      this._queues.push(job);
			      await this._drainAll();
			      return reachedHWM;
			    }

			    _receive(job) {
			      if (this._states.jobStatus(job.options.id) != null) {
			        job._reject(new Bottleneck.prototype.BottleneckError(`A job with the same id already exists (id=${job.options.id})`));
			        return false;
			      } else {
			        job.doReceive();
			        return this._submitLock.schedule(this._addToQueue, job);
			      }
			    }

			    submit(...args) {
			      var cb, fn, job, options, ref, ref1, task;
			      if (typeof args[0] === "function") {
			        ref = args, [fn, ...args] = ref, [cb] = splice.call(args, -1);
			        options = parser$5.load({}, this.jobDefaults);
			      } else {
			        ref1 = args, [options, fn, ...args] = ref1, [cb] = splice.call(args, -1);
			        options = parser$5.load(options, this.jobDefaults);
			      }
			      task = (...args) => {
			        return new this.Promise(function(resolve, reject) {
			          return fn(...args, function(...args) {
			            return (args[0] != null ? reject : resolve)(args);
			          });
			        });
			      };
			      job = new Job$1(task, args, options, this.jobDefaults, this.rejectOnDrop, this.Events, this._states, this.Promise);
			      job.promise.then(function(args) {
			        return typeof cb === "function" ? cb(...args) : void 0;
			      }).catch(function(args) {
			        if (Array.isArray(args)) {
			          return typeof cb === "function" ? cb(...args) : void 0;
			        } else {
			          return typeof cb === "function" ? cb(args) : void 0;
			        }
			      });
			      return this._receive(job);
			    }

			    schedule(...args) {
			      var job, options, task;
			      if (typeof args[0] === "function") {
			        [task, ...args] = args;
			        options = {};
			      } else {
			        [options, task, ...args] = args;
			      }
			      job = new Job$1(task, args, options, this.jobDefaults, this.rejectOnDrop, this.Events, this._states, this.Promise);
			      this._receive(job);
			      return job.promise;
			    }

			    wrap(fn) {
			      var schedule, wrapped;
			      schedule = this.schedule.bind(this);
			      wrapped = function(...args) {
			        return schedule(fn.bind(this), ...args);
			      };
			      wrapped.withOptions = function(options, ...args) {
			        return schedule(options, fn, ...args);
			      };
			      return wrapped;
			    }

			    async updateSettings(options = {}) {
			      await this._store.__updateSettings__(parser$5.overwrite(options, this.storeDefaults));
			      parser$5.overwrite(options, this.instanceDefaults, this);
			      return this;
			    }

			    currentReservoir() {
			      return this._store.__currentReservoir__();
			    }

			    incrementReservoir(incr = 0) {
			      return this._store.__incrementReservoir__(incr);
			    }

			  }
			  Bottleneck.default = Bottleneck;

			  Bottleneck.Events = Events$4;

			  Bottleneck.version = Bottleneck.prototype.version = require$$8.version;

			  Bottleneck.strategy = Bottleneck.prototype.strategy = {
			    LEAK: 1,
			    OVERFLOW: 2,
			    OVERFLOW_PRIORITY: 4,
			    BLOCK: 3
			  };

			  Bottleneck.BottleneckError = Bottleneck.prototype.BottleneckError = BottleneckError_1;

			  Bottleneck.Group = Bottleneck.prototype.Group = Group_1;

			  Bottleneck.RedisConnection = Bottleneck.prototype.RedisConnection = require$$2;

			  Bottleneck.IORedisConnection = Bottleneck.prototype.IORedisConnection = require$$3;

			  Bottleneck.Batcher = Bottleneck.prototype.Batcher = Batcher_1;

			  Bottleneck.prototype.jobDefaults = {
			    priority: DEFAULT_PRIORITY$1,
			    weight: 1,
			    expiration: null,
			    id: "<no-id>"
			  };

			  Bottleneck.prototype.storeDefaults = {
			    maxConcurrent: null,
			    minTime: 0,
			    highWater: null,
			    strategy: Bottleneck.prototype.strategy.LEAK,
			    penalty: null,
			    reservoir: null,
			    reservoirRefreshInterval: null,
			    reservoirRefreshAmount: null,
			    reservoirIncreaseInterval: null,
			    reservoirIncreaseAmount: null,
			    reservoirIncreaseMaximum: null
			  };

			  Bottleneck.prototype.localStoreDefaults = {
			    Promise: Promise,
			    timeout: null,
			    heartbeatInterval: 250
			  };

			  Bottleneck.prototype.redisStoreDefaults = {
			    Promise: Promise,
			    timeout: null,
			    heartbeatInterval: 5000,
			    clientTimeout: 10000,
			    Redis: null,
			    clientOptions: {},
			    clusterNodes: null,
			    clearDatastore: false,
			    connection: null
			  };

			  Bottleneck.prototype.instanceDefaults = {
			    datastore: "local",
			    connection: null,
			    id: "<no-id>",
			    rejectOnDrop: true,
			    trackDoneStatus: false,
			    Promise: Promise
			  };

			  Bottleneck.prototype.stopDefaults = {
			    enqueueErrorMessage: "This limiter has been stopped and cannot accept new jobs.",
			    dropWaitingJobs: true,
			    dropErrorMessage: "This limiter has been stopped."
			  };

			  return Bottleneck;

			}).call(commonjsGlobal$1);

			var Bottleneck_1 = Bottleneck;

			var lib = Bottleneck_1;

			return lib;

		}))); 
	} (light$1));
	return light$1.exports;
}

var lightExports = requireLight();
var BottleneckLight = /*@__PURE__*/getDefaultExportFromCjs(lightExports);

// pkg/dist-src/version.js
var VERSION$1 = "0.0.0-development";

// pkg/dist-src/error-request.js
function isRequestError(error) {
  return error.request !== void 0;
}
async function errorRequest(state, octokit, error, options) {
  if (!isRequestError(error) || !error?.request.request) {
    throw error;
  }
  if (error.status >= 400 && !state.doNotRetry.includes(error.status)) {
    const retries = options.request.retries != null ? options.request.retries : state.retries;
    const retryAfter = Math.pow((options.request.retryCount || 0) + 1, 2);
    throw octokit.retry.retryRequest(error, retries, retryAfter);
  }
  throw error;
}
async function wrapRequest$1(state, octokit, request, options) {
  const limiter = new BottleneckLight();
  limiter.on("failed", function(error, info) {
    const maxRetries = ~~error.request.request?.retries;
    const after = ~~error.request.request?.retryAfter;
    options.request.retryCount = info.retryCount + 1;
    if (maxRetries > info.retryCount) {
      return after * state.retryAfterBaseValue;
    }
  });
  return limiter.schedule(
    requestWithGraphqlErrorHandling.bind(null, state, octokit, request),
    options
  );
}
async function requestWithGraphqlErrorHandling(state, octokit, request, options) {
  const response = await request(options);
  if (response.data && response.data.errors && response.data.errors.length > 0 && /Something went wrong while executing your query/.test(
    response.data.errors[0].message
  )) {
    const error = new RequestError(response.data.errors[0].message, 500, {
      request: options,
      response
    });
    return errorRequest(state, octokit, error, options);
  }
  return response;
}

// pkg/dist-src/index.js
function retry(octokit, octokitOptions) {
  const state = Object.assign(
    {
      enabled: true,
      retryAfterBaseValue: 1e3,
      doNotRetry: [400, 401, 403, 404, 410, 422, 451],
      retries: 3
    },
    octokitOptions.retry
  );
  const retryPlugin = {
    retry: {
      retryRequest: (error, retries, retryAfter) => {
        error.request.request = Object.assign({}, error.request.request, {
          retries,
          retryAfter
        });
        return error;
      }
    }
  };
  if (state.enabled) {
    octokit.hook.error("request", errorRequest.bind(null, state, retryPlugin));
    octokit.hook.wrap("request", wrapRequest$1.bind(null, state, retryPlugin));
  }
  return retryPlugin;
}
retry.VERSION = VERSION$1;

// pkg/dist-src/index.js

// pkg/dist-src/version.js
var VERSION = "0.0.0-development";

// pkg/dist-src/wrap-request.js
var noop = () => Promise.resolve();
function wrapRequest(state, request, options) {
  return state.retryLimiter.schedule(doRequest, state, request, options);
}
async function doRequest(state, request, options) {
  const { pathname } = new URL(options.url, "http://github.test");
  const isAuth = isAuthRequest(options.method, pathname);
  const isWrite = !isAuth && options.method !== "GET" && options.method !== "HEAD";
  const isSearch = options.method === "GET" && pathname.startsWith("/search/");
  const isGraphQL = pathname.startsWith("/graphql");
  const retryCount = ~~request.retryCount;
  const jobOptions = retryCount > 0 ? { priority: 0, weight: 0 } : {};
  if (state.clustering) {
    jobOptions.expiration = 1e3 * 60;
  }
  if (isWrite || isGraphQL) {
    await state.write.key(state.id).schedule(jobOptions, noop);
  }
  if (isWrite && state.triggersNotification(pathname)) {
    await state.notifications.key(state.id).schedule(jobOptions, noop);
  }
  if (isSearch) {
    await state.search.key(state.id).schedule(jobOptions, noop);
  }
  const req = (isAuth ? state.auth : state.global).key(state.id).schedule(jobOptions, request, options);
  if (isGraphQL) {
    const res = await req;
    if (res.data.errors != null && res.data.errors.some((error) => error.type === "RATE_LIMITED")) {
      const error = Object.assign(new Error("GraphQL Rate Limit Exceeded"), {
        response: res,
        data: res.data
      });
      throw error;
    }
  }
  return req;
}
function isAuthRequest(method, pathname) {
  return method === "PATCH" && // https://docs.github.com/en/rest/apps/apps?apiVersion=2022-11-28#create-a-scoped-access-token
  /^\/applications\/[^/]+\/token\/scoped$/.test(pathname) || method === "POST" && // https://docs.github.com/en/rest/apps/oauth-applications?apiVersion=2022-11-28#reset-a-token
  (/^\/applications\/[^/]+\/token$/.test(pathname) || // https://docs.github.com/en/rest/apps/apps?apiVersion=2022-11-28#create-an-installation-access-token-for-an-app
  /^\/app\/installations\/[^/]+\/access_tokens$/.test(pathname) || // https://docs.github.com/en/apps/oauth-apps/building-oauth-apps/authorizing-oauth-apps
  pathname === "/login/oauth/access_token");
}

// pkg/dist-src/generated/triggers-notification-paths.js
var triggers_notification_paths_default = [
  "/orgs/{org}/invitations",
  "/orgs/{org}/invitations/{invitation_id}",
  "/orgs/{org}/teams/{team_slug}/discussions",
  "/orgs/{org}/teams/{team_slug}/discussions/{discussion_number}/comments",
  "/repos/{owner}/{repo}/collaborators/{username}",
  "/repos/{owner}/{repo}/commits/{commit_sha}/comments",
  "/repos/{owner}/{repo}/issues",
  "/repos/{owner}/{repo}/issues/{issue_number}/comments",
  "/repos/{owner}/{repo}/issues/{issue_number}/sub_issue",
  "/repos/{owner}/{repo}/issues/{issue_number}/sub_issues/priority",
  "/repos/{owner}/{repo}/pulls",
  "/repos/{owner}/{repo}/pulls/{pull_number}/comments",
  "/repos/{owner}/{repo}/pulls/{pull_number}/comments/{comment_id}/replies",
  "/repos/{owner}/{repo}/pulls/{pull_number}/merge",
  "/repos/{owner}/{repo}/pulls/{pull_number}/requested_reviewers",
  "/repos/{owner}/{repo}/pulls/{pull_number}/reviews",
  "/repos/{owner}/{repo}/releases",
  "/teams/{team_id}/discussions",
  "/teams/{team_id}/discussions/{discussion_number}/comments"
];

// pkg/dist-src/route-matcher.js
function routeMatcher(paths) {
  const regexes = paths.map(
    (path) => path.split("/").map((c) => c.startsWith("{") ? "(?:.+?)" : c).join("/")
  );
  const regex2 = `^(?:${regexes.map((r) => `(?:${r})`).join("|")})[^/]*$`;
  return new RegExp(regex2, "i");
}

// pkg/dist-src/index.js
var regex = routeMatcher(triggers_notification_paths_default);
var triggersNotification = regex.test.bind(regex);
var groups = {};
var createGroups = function(Bottleneck, common) {
  groups.global = new Bottleneck.Group({
    id: "octokit-global",
    maxConcurrent: 10,
    ...common
  });
  groups.auth = new Bottleneck.Group({
    id: "octokit-auth",
    maxConcurrent: 1,
    ...common
  });
  groups.search = new Bottleneck.Group({
    id: "octokit-search",
    maxConcurrent: 1,
    minTime: 2e3,
    ...common
  });
  groups.write = new Bottleneck.Group({
    id: "octokit-write",
    maxConcurrent: 1,
    minTime: 1e3,
    ...common
  });
  groups.notifications = new Bottleneck.Group({
    id: "octokit-notifications",
    maxConcurrent: 1,
    minTime: 3e3,
    ...common
  });
};
function throttling(octokit, octokitOptions) {
  const {
    enabled = true,
    Bottleneck = BottleneckLight,
    id = "no-id",
    timeout = 1e3 * 60 * 2,
    // Redis TTL: 2 minutes
    connection
  } = octokitOptions.throttle || {};
  if (!enabled) {
    return {};
  }
  const common = { timeout };
  if (typeof connection !== "undefined") {
    common.connection = connection;
  }
  const state = Object.assign(
    {
      clustering: connection != null,
      triggersNotification,
      fallbackSecondaryRateRetryAfter: 60,
      retryAfterBaseValue: 1e3,
      id
    },
    octokitOptions.throttle
  );
  if (typeof state.onSecondaryRateLimit !== "function" || typeof state.onRateLimit !== "function") {
    throw new Error(`octokit/plugin-throttling error:
        You must pass the onSecondaryRateLimit and onRateLimit error handlers.
        See https://octokit.github.io/rest.js/#throttling

        const octokit = new Octokit({
          throttle: {
            onSecondaryRateLimit: (retryAfter, options) => {/* ... */},
            onRateLimit: (retryAfter, options) => {/* ... */}
          }
        })
    `);
  }
  let initialized = false;
  const initializeBottleneck = () => {
    if (initialized) {
      return;
    }
    initialized = true;
    if (groups.global == null) {
      createGroups(Bottleneck, common);
    }
    state.global = state.global ?? groups.global;
    state.auth = state.auth ?? groups.auth;
    state.search = state.search ?? groups.search;
    state.write = state.write ?? groups.write;
    state.notifications = state.notifications ?? groups.notifications;
    state.retryLimiter = state.retryLimiter ?? new Bottleneck();
    const events = {};
    const emitter = new Bottleneck.Events(events);
    events.on("secondary-limit", state.onSecondaryRateLimit);
    events.on("rate-limit", state.onRateLimit);
    events.on(
      "error",
      (e) => octokit.log.warn("Error in throttling-plugin limit handler", e)
    );
    state.retryLimiter.on("failed", async function(error, info) {
      const [state2, request, options] = info.args;
      const { pathname } = new URL(options.url, "http://github.test");
      const shouldRetryGraphQL = pathname.startsWith("/graphql") && error.status !== 401;
      if (!(shouldRetryGraphQL || error.status === 403 || error.status === 429)) {
        return;
      }
      const retryCount = ~~request.retryCount;
      request.retryCount = retryCount;
      options.request.retryCount = retryCount;
      const { wantRetry, retryAfter = 0 } = await (async function() {
        if (/\bsecondary rate\b/i.test(error.message)) {
          const retryAfter2 = Number(error.response.headers["retry-after"]) || state2.fallbackSecondaryRateRetryAfter;
          const wantRetry2 = await emitter.trigger(
            "secondary-limit",
            retryAfter2,
            options,
            octokit,
            retryCount
          );
          return { wantRetry: wantRetry2, retryAfter: retryAfter2 };
        }
        if (error.response.headers != null && error.response.headers["x-ratelimit-remaining"] === "0" || (error.response.data?.errors ?? []).some(
          (error2) => error2.type === "RATE_LIMITED"
        )) {
          const rateLimitReset = new Date(
            ~~error.response.headers["x-ratelimit-reset"] * 1e3
          ).getTime();
          const retryAfter2 = Math.max(
            // Add one second so we retry _after_ the reset time
            // https://docs.github.com/en/rest/overview/resources-in-the-rest-api?apiVersion=2022-11-28#exceeding-the-rate-limit
            Math.ceil((rateLimitReset - Date.now()) / 1e3) + 1,
            0
          );
          const wantRetry2 = await emitter.trigger(
            "rate-limit",
            retryAfter2,
            options,
            octokit,
            retryCount
          );
          return { wantRetry: wantRetry2, retryAfter: retryAfter2 };
        }
        return {};
      })();
      if (wantRetry) {
        request.retryCount++;
        return retryAfter * state2.retryAfterBaseValue;
      }
    });
  };
  octokit.hook.wrap("request", (request, options) => {
    initializeBottleneck();
    return wrapRequest(state, request, options);
  });
  return {};
}
throttling.VERSION = VERSION;
throttling.triggersNotification = triggersNotification;

/**
 * One GitHub repository's client: Octokit with the retry and throttling plugins, as
 * create-pull-request does (GITHUB_API_URL is honored: GHES), the repository's settings, and
 * GitHub's refusals explained with what to do. The token lives inside the Octokit and nowhere
 * else. The contents, git data and pull request parts all talk to GitHub through this.
 */
class GitHubError extends PromoteError {
}
/**
 * plugin-throttling's spacing of writes (and of every GraphQL request): GitHub asks for a
 * second between content-creating requests of one client.
 */
const WRITE_SPACING_MS = 1000;
/** What plugin-throttling queues as a write. */
function isWrite(options) {
    return ((options.method !== 'GET' && options.method !== 'HEAD') ||
        (options.url ?? '').startsWith('/graphql'));
}
/** A request GitHub never answers must fail (and be retried), not hang the job. */
const GITHUB_REQUEST_TIMEOUT_MS = 30_000;
/**
 * The one holder of the token: an Octokit that retries outages (jittered per client), waits
 * out rate limits within a budget, and gives up on a request GitHub never answers.
 */
function createOctokit(token, logger, baseUrl) {
    const budget = { seconds: RATE_LIMIT_BUDGET_S };
    return getOctokit(token, {
        ...(baseUrl ? { baseUrl } : {}),
        request: {
            fetch: (url, init) => fetch(url, {
                ...init,
                signal: init?.signal ?? AbortSignal.timeout(GITHUB_REQUEST_TIMEOUT_MS)
            })
        },
        // 4xx are answers, not outages (create-pull-request's list); rate limits (403 and 429
        // with a wait) belong to the throttling plugin alone, so they are not retried twice.
        retry: {
            doNotRetry: [400, 401, 403, 404, 410, 422, 429, 451],
            retryAfterBaseValue: retryBaseMs()
        },
        throttle: {
            onRateLimit: retryRateLimit('rate limit', logger, setTimeout$1, budget),
            onSecondaryRateLimit: retryRateLimit('secondary rate limit', logger, setTimeout$1, budget)
        }
    }, retry, throttling);
}
/**
 * plugin-retry waits base × attempt² after a 5xx and takes no jitter, so the base is drawn per
 * client: jobs that met the same outage retry apart instead of together. 1 s on average, the
 * plugin's default.
 */
function retryBaseMs(random = Math.random) {
    return Math.round(500 + random() * 1000);
}
/** The most a client waits out GitHub's rate limits in one run, all waits together. */
const RATE_LIMIT_BUDGET_S = 600;
/**
 * Both rate limits: say so, and retry up to three times after GitHub's wait, growing it
 * exponentially (GitHub: "wait at least one minute … an exponentially increasing amount of
 * time between retries", docs.github.com/rest/using-the-rest-api/rate-limits-for-the-rest-api
 * #exceeding-the-rate-limit). plugin-throttling waits `after` seconds once the handler says
 * yes (its fallback without retry-after is 60 s); the handler waits the growth on top. Never
 * past the budget: then the request fails, named as a rate limit.
 */
function retryRateLimit(kind, logger, wait = setTimeout$1, budget = { seconds: RATE_LIMIT_BUDGET_S }) {
    return async (after, options, _o, count) => {
        const extra = after * (2 ** count - 1);
        if (count >= 3 || after + extra > budget.seconds) {
            logger.warning(`GitHub ${kind} on ${options.method} ${options.url}: giving up after ${count} retries (waiting ${after + extra} s more would exceed the ${RATE_LIMIT_BUDGET_S} s budget).`);
            return false;
        }
        budget.seconds -= after + extra;
        logger.warning(`GitHub ${kind} on ${options.method} ${options.url}; retrying in ${after + extra} s.`);
        if (extra > 0)
            await wait(extra * 1000);
        return true;
    };
}
/** One repository on GitHub (or GHES, or the test box), and how to ask it. */
class GitHubClient {
    octokit;
    owner;
    repo;
    logger;
    settings;
    /** When this run's last write ended (Date.now()), for writeWait. */
    lastWrite = 0;
    constructor(octokit, owner, repo, logger) {
        this.octokit = octokit;
        this.owner = owner;
        this.repo = repo;
        this.logger = logger;
        octokit.hook.wrap('request', async (request, options) => {
            try {
                return await request(options);
            }
            finally {
                if (isWrite(options))
                    this.lastWrite = Date.now();
            }
        });
    }
    /**
     * How long until a write would leave at once rather than queue behind plugin-throttling's
     * spacing. A retry after a lost race waits this out before it reads the new head, so the
     * head it writes against is fresh, not a second old.
     */
    writeWait() {
        return Math.max(0, this.lastWrite + WRITE_SPACING_MS - Date.now());
    }
    get fullName() {
        return `${this.owner}/${this.repo}`;
    }
    /** The repository's settings, read once per run. */
    info() {
        this.settings ??= this.call('read the repository', () => this.octokit.rest.repos.get({ owner: this.owner, repo: this.repo })).then(({ data }) => ({
            defaultBranch: data.default_branch,
            nodeId: data.node_id,
            allowAutoMerge: data.allow_auto_merge,
            htmlUrl: data.html_url
        }));
        return this.settings;
    }
    /** Runs a request; a failure becomes a GitHubError that says what to do. */
    async call(what, run) {
        try {
            return await run();
        }
        catch (error) {
            throw this.explain(error, what);
        }
    }
    /** GitHub's refusal of `what`, with a hint that fits its status and words. */
    explain(error, what) {
        const code = status(error);
        const said = message(error);
        if (code === 422 && PROTECTION.test(said)) {
            const branch = /refs\/heads\/([^\s.]+(?:\.[^\s.]+)*)/.exec(said)?.[1] ?? 'the branch';
            return protectedBranch(this.fullName, branch, said);
        }
        const hint = code === 403 && /not permitted to create or approve pull requests/i.test(said)
            ? `${this.fullName} (or its organization) does not let GitHub Actions open pull requests: enable Settings → Actions → General → Workflow permissions → "Allow GitHub Actions to create and approve pull requests" (in the organization's settings too, where it is greyed out), or use a GitHub App token.`
            : code === 403 && /not accessible by integration/i.test(said)
                ? `The token lacks a permission to ${what}: give the job permissions contents: write and pull-requests: write, or, for another repository than the workflow's, a GitHub App or fine-grained token with them on ${this.fullName}.`
                : code === 401
                    ? 'The token is invalid or expired.'
                    : rateLimited(error)
                        ? 'GitHub is rate-limiting this token; re-run the job in a few minutes, or spread promotions over fewer concurrent jobs.'
                        : code === 403 || code === 404
                            ? `The token cannot ${what} in ${this.fullName}. GITHUB_TOKEN only reaches the workflow's own repository: use a GitHub App token or a fine-grained token with contents: write and pull-requests: write on the config repository.`
                            : 'Re-run the job if GitHub had a transient failure.';
        return new GitHubError(`GitHub refused to ${what} in ${this.fullName}${code ? ` (HTTP ${code})` : ''}: ${said}`, { hint, cause: error });
    }
}
/**
 * GitHub's words for a write a branch rule refused: classic protection ("Protected branch
 * update failed for refs/heads/main.", GraphQL type BRANCH_PROTECTION_RULE_VIOLATION, git's
 * GH006) and rulesets ("Repository rule violations found", git's GH013).
 */
const PROTECTION = /protected branch|branch protection|repository rule violation|rule violations? found|GH006|GH013/i;
/** A push-mode write into a branch whose rules require a pull request: retrying cannot help. */
function protectedBranch(repository, branch, said) {
    const ruleset = /rule violation|ruleset|GH013/i.test(said);
    return new GitHubError(`${repository} refuses direct commits to ${branch}: ${ruleset ? 'a repository ruleset' : 'branch protection'} applies (${said.trim()}). Nothing was written.`, {
        hint: `Promote this environment with mode: pull-request (in promotion.yaml or the mode input), or ${ruleset ? "add the token to the ruleset's bypass list" : 'let the token bypass the protection'} if direct pushes are intended.`
    });
}
/** The HTTP status of an Octokit failure. */
function status(error) {
    const value = error?.status;
    return typeof value === 'number' ? value : undefined;
}
/** What GitHub said, without an edge's HTML error page. */
function message(error) {
    const e = error;
    const data = e?.response?.data;
    // An edge or proxy error page is HTML: its status says all it knows.
    if (typeof data === 'string' || /<html|<!doctype/i.test(e?.message ?? '')) {
        const code = status(error);
        return code ? `${code} ${STATUS_CODES[code] ?? 'error'}` : 'no usable answer';
    }
    const details = data?.errors
        ?.map(x => x.message)
        .filter(Boolean)
        .join('; ');
    return [data?.message ?? e?.message ?? String(error), details].filter(Boolean).join(': ');
}
/** A primary or secondary rate limit, as GitHub signals them. */
function rateLimited(error) {
    const headers = error
        ?.response?.headers;
    return (status(error) === 429 ||
        (status(error) === 403 &&
            (headers?.['retry-after'] !== undefined ||
                headers?.['x-ratelimit-remaining'] === '0' ||
                /rate limit/i.test(message(error)))));
}

/**
 * Reading a commit through the contents API, one path at a time: the cost follows what the
 * promotion reads, not the size of the repository. Answers are cached by commit and path
 * (commits never change), and inherited along a commit's known lineage; `materialize` writes
 * what was read to disk for the edit and the render.
 */
class Contents {
    client;
    /** Contents answers by commit and path; commits never change. */
    contents = new Map();
    /**
     * Commits whose difference from an earlier one is known (this run made them, or a compare
     * listed it): their contents answers are inherited from that commit for every path the
     * difference cannot have changed, so promoting three environments reads shared bases once.
     */
    lineage = new Map();
    constructor(client) {
        this.client = client;
    }
    /** `sha` is `base` with only `changed` changed: its answers for other paths are inherited. */
    derived(sha, base, changed) {
        this.lineage.set(sha, { base, changed });
    }
    /**
     * Reads a commit's tree through the contents API, one path at a time: the
     * cost follows what the promotion reads, not the size of the repository.
     * `ref` is a commit sha: answers are cached for the run, so promotion.yaml
     * read for the environments' settings is not fetched again for the edit.
     */
    reader(ref) {
        const reads = { probed: new Map(), listed: new Set() };
        const get = (path) => {
            const key = `${ref}\0${path}`;
            let found = this.contents.get(key);
            if (!found) {
                found = this.inherited(ref, path) ?? this.content(path, ref);
                this.contents.set(key, found);
            }
            reads.probed.set(path, reads.probed.get(path) ?? 'other');
            found.then(entry => {
                if (Array.isArray(entry))
                    reads.probed.set(path, 'dir');
                // A link to a file comes back as that file: a change to the file is a change to it.
                else if (entry && entry.path !== path)
                    reads.probed.set(entry.path, 'other');
            }, () => undefined);
            return found;
        };
        const typeOf = async (rel) => {
            const clean = rel.replace(/\/$/, '');
            if (clean === '')
                return 'dir';
            // GitHub does not follow a symlinked directory on the way to a path (it answers 404), so
            // a path that is found has real directories above it and its parents need not be read.
            const entry = await get(clean);
            if (Array.isArray(entry))
                return 'dir';
            // GitHub answers a link to a file in the repository with that file: its path tells.
            if (entry)
                return entry.type === 'file' && entry.path === clean ? 'file' : 'other';
            // Not found: missing, or behind a link (or a file) on the way, which the parents tell.
            const parts = clean.split('/');
            const parents = parts.slice(0, -1).map((_, i) => get(parts.slice(0, i + 1).join('/')));
            // Below a parent that is not a directory, reads may fail; they do not matter then.
            for (const read of parents)
                read.catch(() => undefined);
            for (const read of parents) {
                const parent = await read;
                if (parent === undefined)
                    return 'missing';
                if (!Array.isArray(parent))
                    return 'other';
            }
            return 'missing';
        };
        /** The first symlink on the way to `rel`, for the checkout to hold it as a link. */
        const linkOn = async (rel) => {
            const parts = rel.replace(/\/$/, '').split('/');
            for (let i = 1; i <= parts.length; i++) {
                const prefix = parts.slice(0, i).join('/');
                const entry = await get(prefix).catch(() => undefined);
                if (entry === undefined)
                    return undefined;
                if (Array.isArray(entry))
                    continue;
                if (entry.type === 'symlink' && entry.target !== undefined)
                    return { path: prefix, target: entry.target };
                // A link to a file in the repository comes back as that file: point at it.
                if (entry.type === 'file' && entry.path !== prefix)
                    return { path: prefix, target: posix.relative(posix.dirname(prefix), entry.path) };
                return undefined;
            }
            return undefined;
        };
        return {
            type: typeOf,
            linkOn,
            read: async (rel) => {
                const entry = await get(rel);
                if (!entry || Array.isArray(entry) || entry.type !== 'file')
                    throw new GitHubError(`${rel} is not a file in ${this.client.fullName}.`);
                if (entry.content !== undefined && entry.encoding === 'base64')
                    return Buffer.from(entry.content, 'base64').toString('utf8');
                // Files over 1 MB come without content; their blob has it.
                const { data } = await this.client.octokit.rest.git.getBlob({
                    owner: this.client.owner,
                    repo: this.client.repo,
                    file_sha: entry.sha
                });
                return Buffer.from(data.content, 'base64').toString('utf8');
            },
            list: async (dir) => {
                reads.listed.add(dir.replace(/\/$/, ''));
                const entry = await get(dir.replace(/\/$/, ''));
                return Array.isArray(entry) ? entry.map(e => e.path) : [];
            },
            reads
        };
    }
    /**
     * The answer for `path` at `ref` taken from the commit `ref` was derived from, when none of
     * the changes between them is the path, inside it or above it (nor the file a link to a file
     * answers with); undefined otherwise. Symlink answers are always read again.
     */
    inherited(ref, path) {
        const step = this.lineage.get(ref);
        if (!step || !answerStands(path, step.changed))
            return undefined;
        const key = `${step.base}\0${path}`;
        const earlier = this.contents.get(key) ?? this.inherited(step.base, path);
        if (!earlier)
            return undefined;
        return earlier.then(entry => Array.isArray(entry) ||
            entry === undefined ||
            (entry.type === 'file' && (entry.path === path || answerStands(entry.path, step.changed)))
            ? entry
            : this.content(path, ref), () => this.content(path, ref));
    }
    async content(path, ref) {
        try {
            const { data } = await this.client.octokit.rest.repos.getContent({
                owner: this.client.owner,
                repo: this.client.repo,
                path,
                ref
            });
            return data;
        }
        catch (error) {
            if (status(error) === 404)
                return undefined;
            throw this.client.explain(error, `read ${path}`);
        }
    }
    /**
     * Writes `paths` (files, or directories recursively) of the reader's commit under `dir`.
     * A symlink stays a link, so the edit's path checks see (and refuse) an escape; its target
     * is written too when it stays in the repository, so the link reads as in a full clone.
     */
    async materialize(reader, paths, dir) {
        await this.materializeAll(reader, paths, dir, { seen: new Set(), hops: 0 });
    }
    async materializeAll(reader, paths, dir, walk) {
        const fresh = [...paths].filter(path => !walk.seen.has(path));
        for (const path of fresh)
            walk.seen.add(path);
        // All at once: Octokit's throttling keeps GitHub's concurrency in bounds.
        await Promise.all(fresh.map(path => this.materializeOne(reader, path, dir, walk)));
    }
    async materializeOne(reader, path, dir, walk) {
        const type = await reader.type(path);
        if (type === 'file') {
            await mkdir(dirname(join(dir, path)), { recursive: true });
            await writeFile(join(dir, path), await reader.read(path));
        }
        else if (type === 'dir') {
            await mkdir(join(dir, path), { recursive: true });
            await this.materializeAll(reader, await reader.list(path), dir, walk);
        }
        else if (type === 'other') {
            const link = await reader.linkOn(path);
            if (!link)
                return;
            await mkdir(dirname(join(dir, link.path)), { recursive: true });
            await symlink(link.target, join(dir, link.path)).catch(() => undefined);
            if (++walk.hops > MAX_LINK_HOPS)
                return;
            const rest = path === link.path ? '' : path.slice(link.path.length + 1);
            const target = linkTargetInRepo(link.path, link.target, rest);
            if (target !== undefined)
                await this.materializeAll(reader, [target], dir, walk);
        }
    }
}

/** A ref update's "no such ref" (updateRefs' beforeOid/afterOid). */
const ZERO_OID = '0'.repeat(40);
class GitData {
    client;
    contents;
    /** Branch heads as this run last read or moved them; undefined: seen missing. */
    heads = new Map();
    constructor(client, 
    /** Told the lineage of every commit this run makes or compares. */
    contents) {
        this.client = client;
        this.contents = contents;
    }
    /**
     * The commit a branch points at, or undefined when there is no such branch.
     * `reuse`: the head this run last read or wrote, when there is one — a
     * stale answer only costs a lost race, which the caller handles anyway.
     */
    async branchHead(branch, options = {}) {
        if (options.reuse && this.heads.has(branch))
            return this.heads.get(branch);
        try {
            const { data } = await this.client.octokit.rest.git.getRef({
                owner: this.client.owner,
                repo: this.client.repo,
                ref: `heads/${branch}`
            });
            this.heads.set(branch, data.object.sha);
            return data.object.sha;
        }
        catch (error) {
            if (status(error) !== 404)
                throw this.client.explain(error, `read branch ${branch}`);
            this.heads.set(branch, undefined);
            return undefined;
        }
    }
    async commit(sha) {
        const { data } = await this.client.call('read a commit', () => this.client.octokit.rest.git.getCommit({
            owner: this.client.owner,
            repo: this.client.repo,
            commit_sha: sha
        }));
        return { tree: data.tree.sha, parents: data.parents.map(p => p.sha), message: data.message };
    }
    /**
     * The files changed from `base` to `head` (one compare request), when `head` descends from
     * `base` and GitHub lists them all; undefined otherwise (the caller reads everything again).
     * `only` is the commit between them when there is exactly one: a write whose answer was lost
     * (a 5xx after GitHub applied it) is recognised by it, without another request.
     */
    async changesBetween(base, head) {
        try {
            const { data } = await this.client.octokit.rest.repos.compareCommitsWithBasehead({
                owner: this.client.owner,
                repo: this.client.repo,
                basehead: `${base}...${head}`,
                per_page: 1
            });
            // GitHub lists 300 files at most: a longer list may hide the one that matters.
            if (data.status !== 'ahead' || !data.files || data.files.length >= 300)
                return undefined;
            const changed = data.files.flatMap(f => f.previous_filename === undefined ? [f.filename] : [f.filename, f.previous_filename]);
            this.contents.derived(head, base, changed);
            const first = data.commits[0];
            const only = data.ahead_by === 1 && first
                ? {
                    sha: first.sha,
                    message: first.commit.message,
                    parents: first.parents.map(p => p.sha)
                }
                : undefined;
            return { files: data.files, only };
        }
        catch (error) {
            this.client.logger.debug(`compare ${base}...${head}: ${error instanceof Error ? error.message : String(error)}`);
            return undefined;
        }
    }
    /** Blobs, a tree on `baseTree`, and a commit with `parent`: a commit no branch points at yet. */
    async createCommit(baseTree, parent, files, message) {
        // Contents inline in the tree: one write instead of one per blob (writes are throttled to one a second).
        const tree = await this.client.call('create the commit', () => this.client.octokit.rest.git.createTree({
            owner: this.client.owner,
            repo: this.client.repo,
            base_tree: baseTree,
            tree: [...files].map(([path, content]) => ({
                path,
                mode: '100644',
                type: 'blob',
                content
            }))
        }));
        const { data } = await this.client.call('create the commit', () => this.client.octokit.rest.git.createCommit({
            owner: this.client.owner,
            repo: this.client.repo,
            message,
            tree: tree.data.sha,
            parents: [parent]
        }));
        this.contents.derived(data.sha, parent, [...files.keys()]);
        return { sha: data.sha, tree: tree.data.sha };
    }
    /**
     * One commit of `files` on `branch`, only if it still points at
     * `expectedHead` (GraphQL createCommitOnBranch): the tree, the commit and
     * the compare-and-swap of the ref in a single throttled write, where the
     * REST Git Data API needs three a second apart. 'stale' when the branch
     * moved on since it was read. GitHub signs the commit.
     */
    async commitOnBranch(branch, expectedHead, files, message) {
        const [headline = '', ...rest] = message.split('\n');
        try {
            const data = await this.client.octokit.graphql(`mutation($input: CreateCommitOnBranchInput!) {
          createCommitOnBranch(input: $input) { commit { oid } }
        }`, {
                input: {
                    branch: { repositoryNameWithOwner: this.client.fullName, branchName: branch },
                    message: { headline, body: rest.join('\n').replace(/^\n+/, '') },
                    expectedHeadOid: expectedHead,
                    fileChanges: {
                        additions: [...files].map(([path, content]) => ({
                            path,
                            contents: Buffer.from(content, 'utf8').toString('base64')
                        }))
                    }
                }
            });
            const sha = data.createCommitOnBranch.commit.oid;
            this.heads.set(branch, sha);
            this.contents.derived(sha, expectedHead, [...files.keys()]);
            return { sha };
        }
        catch (error) {
            const errors = error.errors;
            if (errors?.some(e => e.type === 'STALE_DATA'))
                return 'stale';
            const rule = errors?.find(e => e.type === 'BRANCH_PROTECTION_RULE_VIOLATION' || PROTECTION.test(e.message ?? ''));
            if (rule)
                throw protectedBranch(this.client.fullName, branch, rule.message ?? rule.type ?? '');
            throw this.client.explain(error, `commit to ${branch}`);
        }
    }
    /** When `path` last changed on `ref` (ISO date), or undefined. */
    async lastChanged(path, ref) {
        const { data } = await this.client.call('list commits', () => this.client.octokit.rest.repos.listCommits({
            owner: this.client.owner,
            repo: this.client.repo,
            path,
            per_page: 1,
            ...(ref ? { sha: ref } : {})
        }));
        return data[0]?.commit.committer?.date ?? undefined;
    }
    /**
     * Points `branch` at `sha` only if it still points at `expected` (undefined: only if it does
     * not exist): a compare-and-swap, so a run never moves a branch over a commit it has not
     * seen. 'conflict' when the branch is elsewhere. A create is REST createRef (it fails when
     * the ref exists); a move is GraphQL updateRefs with `beforeOid`, the one GitHub write that
     * force-moves a ref conditionally (REST updateRef's only condition is fast-forward).
     * https://docs.github.com/graphql/reference/mutations#updaterefs
     */
    async setBranch(branch, sha, expected) {
        return this.swapRef(branch, expected, sha);
    }
    /** Deletes `branch` only if it still points at `expected` (the run's own commit). */
    async deleteBranch(branch, expected) {
        return (await this.swapRef(branch, expected, undefined)) === 'moved' ? 'deleted' : 'conflict';
    }
    async swapRef(branch, before, after) {
        const what = after === undefined
            ? `delete branch ${branch}`
            : before === undefined
                ? `create branch ${branch}`
                : `move branch ${branch}`;
        try {
            if (before === undefined && after !== undefined) {
                await this.client.octokit.rest.git.createRef({
                    owner: this.client.owner,
                    repo: this.client.repo,
                    ref: `refs/heads/${branch}`,
                    sha: after
                });
            }
            else {
                const { nodeId } = await this.client.info();
                await this.client.octokit.graphql(`mutation($input: UpdateRefsInput!) { updateRefs(input: $input) { clientMutationId } }`, {
                    input: {
                        repositoryId: nodeId,
                        refUpdates: [
                            {
                                name: `refs/heads/${branch}`,
                                beforeOid: before ?? ZERO_OID,
                                afterOid: after ?? ZERO_OID,
                                force: true
                            }
                        ]
                    }
                });
            }
        }
        catch (error) {
            // Refused, or applied with the answer lost (a retried 5xx): the ref itself tells which.
            this.heads.delete(branch);
            const now = await this.branchHead(branch);
            if (now === after) {
                this.client.logger.debug(`${what}: already done (${message(error)}).`);
                return 'moved';
            }
            if (now !== before)
                return 'conflict';
            throw this.client.explain(error, what);
        }
        this.heads.set(branch, after);
        return 'moved';
    }
}

/**
 * Reviewers as GitHub takes them: logins without "@", team slugs without "org/". An
 * `org/team` among the users is a team; a team of another organization cannot review here.
 */
function reviewersOf(spec, owner, logger) {
    const users = new Set();
    const teams = new Set();
    for (const raw of [
        ...spec.reviewers,
        ...spec.teamReviewers.map(t => (t.includes('/') ? t : `/${t}`))
    ]) {
        const name = raw.replace(/^@/, '');
        const slash = name.indexOf('/');
        if (slash < 0) {
            users.add(name);
            continue;
        }
        const org = name.slice(0, slash);
        if (org !== '' && org.toLowerCase() !== owner.toLowerCase()) {
            logger?.warning(`Reviewer team ${raw} belongs to ${org}, not ${owner}: only teams of ${owner} can review there; skipped.`);
            continue;
        }
        teams.add(name.slice(slash + 1));
    }
    return { users: [...users], teams: [...teams] };
}
class Pulls {
    client;
    constructor(client) {
        this.client = client;
    }
    /** The open pull requests whose head is `branch` (any base). */
    async openPullRequestsFrom(branch) {
        const { data } = await this.client.call('list pull requests', () => this.client.octokit.rest.pulls.list({
            owner: this.client.owner,
            repo: this.client.repo,
            head: `${this.client.owner}:${branch}`,
            state: 'open'
        }));
        return data.map(pull => ({ number: pull.number, base: pull.base.ref }));
    }
    /**
     * Creates the pull request, or updates the open one for the branch: a living PR. Labels,
     * assignees, reviewers and auto-merge decorate it afterwards; GitHub refusing one of them
     * is a warning, never a reason to fail (or close) a pull request that is open.
     */
    async upsertPullRequest(spec) {
        let existing = await this.openPullRequest(spec.branch, spec.base);
        let created;
        if (!existing) {
            created = await this.createPullRequest(spec);
            // Another job opened it first, or GitHub applied our request and its answer was lost
            // (a retried 5xx meets "already exists"): adopt the open one.
            if (!created)
                existing = await this.openPullRequest(spec.branch, spec.base);
            if (!created && !existing) {
                throw new GitHubError(`GitHub says a pull request from ${spec.branch} exists in ${this.client.fullName}, but none is open into ${spec.base}.`, {
                    hint: `Look at the pull requests from ${spec.branch}; close the one into another base, or change branch.`
                });
            }
        }
        const pull = created ??
            (await this.client.call('update the pull request', () => this.client.octokit.rest.pulls.update({
                owner: this.client.owner,
                repo: this.client.repo,
                pull_number: existing.number,
                title: spec.title,
                body: spec.body
            }))).data;
        await this.decorate(pull, spec);
        return { number: pull.number, url: pull.html_url, operation: created ? 'created' : 'updated' };
    }
    /** undefined when GitHub says a pull request for the branch exists already. */
    async createPullRequest(spec) {
        try {
            const { data } = await this.client.octokit.rest.pulls.create({
                owner: this.client.owner,
                repo: this.client.repo,
                head: spec.branch,
                base: spec.base,
                title: spec.title,
                body: spec.body,
                draft: spec.draft,
                maintainer_can_modify: true
            });
            return data;
        }
        catch (error) {
            if (status(error) === 422 && /already exists/i.test(message(error)))
                return undefined;
            throw this.client.explain(error, 'open the pull request');
        }
    }
    async openPullRequest(branch, base) {
        const { data } = await this.client.call('list pull requests', () => this.client.octokit.rest.pulls.list({
            owner: this.client.owner,
            repo: this.client.repo,
            head: `${this.client.owner}:${branch}`,
            base,
            state: 'open'
        }));
        return data[0];
    }
    async decorate(pull, spec) {
        const issue = { owner: this.client.owner, repo: this.client.repo, issue_number: pull.number };
        if (spec.labels.length) {
            await this.client.octokit.rest.issues
                .addLabels({ ...issue, labels: [...spec.labels] })
                .catch((error) => this.refused(`add the labels ${spec.labels.join(', ')}`, error));
        }
        if (spec.assignees.length) {
            // GitHub drops assignees who may not be assigned without a word: say who is missing.
            const assignees = spec.assignees.map(login => login.replace(/^@/, ''));
            await this.client.octokit.rest.issues
                .addAssignees({ ...issue, assignees })
                .then(({ data }) => {
                const kept = new Set((data.assignees ?? []).map(a => a.login.toLowerCase()));
                const dropped = assignees.filter(a => !kept.has(a.toLowerCase()));
                if (dropped.length)
                    this.client.logger.warning(`GitHub did not assign ${dropped.join(', ')} to pull request #${pull.number}: only users with access to ${this.client.fullName} can be assigned (at most 10).`);
            })
                .catch((error) => this.refused(`assign ${assignees.join(', ')}`, error));
        }
        const { users, teams } = reviewersOf(spec, this.client.owner, this.client.logger);
        if (users.length || teams.length)
            await this.requestReviewers(pull.number, users, teams);
        if (spec.autoMerge)
            await this.autoMerge(pull, spec.autoMerge, spec.headSha ?? pull.head.sha);
    }
    /**
     * One request for all reviewers; when GitHub refuses it (422 names no one: "Reviews may only
     * be requested from collaborators. One or more of the users or teams you specified is not a
     * collaborator…"), one request each, so the warning says who was refused and the rest are
     * still requested.
     */
    async requestReviewers(pullNumber, users, teams) {
        const ask = (reviewers, team_reviewers) => this.client.octokit.rest.pulls.requestReviewers({
            owner: this.client.owner,
            repo: this.client.repo,
            pull_number: pullNumber,
            reviewers: [...reviewers],
            team_reviewers: [...team_reviewers]
        });
        try {
            await ask(users, teams);
            return;
        }
        catch (error) {
            if (status(error) !== 422 || users.length + teams.length === 1) {
                this.refused(`request reviews from ${[...users, ...teams.map(t => `team ${t}`)].join(', ')}`, error);
                return;
            }
        }
        const refused = [];
        let why = '';
        for (const [who, request] of [
            ...users.map(u => [u, () => ask([u], [])]),
            ...teams.map(t => [`team ${t}`, () => ask([], [t])])
        ]) {
            try {
                await request();
            }
            catch (error) {
                refused.push(who);
                why = message(error);
            }
        }
        if (refused.length)
            this.client.logger.warning(`GitHub refused to request reviews from ${refused.join(', ')} on pull request #${pullNumber}: ${why} The pull request stays open; fix reviewers (collaborators of ${this.client.fullName}, team slugs of ${this.client.owner}, not the token's own user).`);
    }
    /**
     * Auto-merge as the user asked: GraphQL enablePullRequestAutoMerge, tried whenever the
     * repository does not say it is off (its setting is hidden from tokens without admin).
     * GitHub refuses to arm it on a pull request with nothing pending ("Pull request is in clean
     * status"): that pull request can be merged now, so it is, with the chosen method.
     */
    async autoMerge(pull, method, headSha) {
        const info = await this.client.info();
        if (info.allowAutoMerge === false) {
            this.autoMergeOff(pull.number);
            return;
        }
        try {
            await this.client.octokit.graphql(`mutation($pullRequestId: ID!, $mergeMethod: PullRequestMergeMethod!) {
          enablePullRequestAutoMerge(input: {pullRequestId: $pullRequestId, mergeMethod: $mergeMethod}) {
            pullRequest { autoMergeRequest { mergeMethod } }
          }
        }`, { pullRequestId: pull.node_id, mergeMethod: method.toUpperCase() });
            this.client.logger.info(`Auto-merge (${method}) armed on pull request #${pull.number}.`);
        }
        catch (error) {
            const why = message(error);
            if (/\b(clean|unstable) status\b/i.test(why)) {
                await this.mergeNow(pull, method, headSha);
            }
            else if (/auto.?merge is not allowed/i.test(why)) {
                this.autoMergeOff(pull.number);
            }
            else {
                this.client.logger.warning(`Could not enable auto-merge on pull request #${pull.number}: ${why} It stays open for a manual merge.`);
            }
        }
    }
    autoMergeOff(pullNumber) {
        this.client.logger.warning(`Auto-merge is off in ${this.client.fullName}: enable "Allow auto-merge" in its settings (General → Pull Requests). Pull request #${pullNumber} stays open for a manual merge.`);
    }
    /** Merges a pull request that has nothing pending; only the head this run wrote. */
    async mergeNow(pull, method, headSha) {
        try {
            await this.client.octokit.rest.pulls.merge({
                owner: this.client.owner,
                repo: this.client.repo,
                pull_number: pull.number,
                merge_method: method,
                sha: headSha
            });
            this.client.logger.info(`Pull request #${pull.number} had nothing pending (no required checks or reviews), so auto-merge could not be armed: merged it now (${method}).`);
        }
        catch (error) {
            this.client.logger.warning(`Pull request #${pull.number} has nothing pending, so GitHub will not arm auto-merge, and merging it now was refused: ${message(error)} ${status(error) === 403
                ? 'The token may not merge (it needs contents: write and pull-requests: write, and to satisfy the branch rules).'
                : 'Merge it by hand.'}`);
        }
    }
    /** A decoration GitHub refused: the pull request stands, the run goes on. */
    refused(what, error) {
        this.client.logger.warning(`GitHub refused to ${what} in ${this.client.fullName}: ${message(error)}`);
    }
}

/**
 * One GitHub repository as delivery uses it: a thin facade over the client (client.ts), the
 * contents reader (contents.ts), the Git Data writer (git-data.ts) and pull requests
 * (pulls.ts), so callers hold one object per repository. `connectGitHub` makes it; the token
 * goes into its Octokit and nowhere else.
 */
/** The config repository on GitHub (or GHES), with a client that holds the token. */
function connectGitHub(connection) {
    const [owner, repo, ...rest] = connection.repository.split('/');
    if (!owner || !repo || rest.length > 0) {
        throw new InputError(`The GitHub repository ${JSON.stringify(connection.repository)} is not owner/name.`, { hint: 'Name the config repository as owner/name, e.g. acme/gitops-config.' });
    }
    const octokit = createOctokit(connection.token, connection.logger, connection.apiUrl);
    return new GitHubRepo(new GitHubClient(octokit, owner, repo, connection.logger));
}
class GitHubRepo {
    client;
    contents;
    git;
    pulls;
    constructor(client) {
        this.client = client;
        this.contents = new Contents(client);
        this.git = new GitData(client, this.contents);
        this.pulls = new Pulls(client);
    }
    get owner() {
        return this.client.owner;
    }
    get repo() {
        return this.client.repo;
    }
    get fullName() {
        return this.client.fullName;
    }
    /** Milliseconds before a write would leave without queueing behind the throttle. */
    writeWait() {
        return this.client.writeWait();
    }
    /** The repository's settings, read once per run. */
    info() {
        return this.client.info();
    }
    /** A commit's tree, read path by path through the contents API (see Contents.reader). */
    reader(ref) {
        return this.contents.reader(ref);
    }
    /** Writes `paths` of the reader's commit under `dir` (see Contents.materialize). */
    materialize(reader, paths, dir) {
        return this.contents.materialize(reader, paths, dir);
    }
    /** The commit `branch` points at; undefined when there is none (see GitData.branchHead). */
    branchHead(branch, options = {}) {
        return this.git.branchHead(branch, options);
    }
    commit(sha) {
        return this.git.commit(sha);
    }
    /** The files changed from `base` to `head`, when GitHub can say (see GitData.changesBetween). */
    changesBetween(base, head) {
        return this.git.changesBetween(base, head);
    }
    /** A commit no branch points at yet (see GitData.createCommit). */
    createCommit(baseTree, parent, files, message) {
        return this.git.createCommit(baseTree, parent, files, message);
    }
    /** One commit on `branch` if it is still at `expectedHead` (see GitData.commitOnBranch). */
    commitOnBranch(branch, expectedHead, files, message) {
        return this.git.commitOnBranch(branch, expectedHead, files, message);
    }
    /** When `path` last changed on `ref` (ISO date), or undefined. */
    lastChanged(path, ref) {
        return this.git.lastChanged(path, ref);
    }
    /** Compare-and-swap of `branch` from `expected` to `sha` (see GitData.setBranch). */
    setBranch(branch, sha, expected) {
        return this.git.setBranch(branch, sha, expected);
    }
    /** Deletes `branch` only if it still points at `expected`. */
    deleteBranch(branch, expected) {
        return this.git.deleteBranch(branch, expected);
    }
    /** The open pull requests whose head is `branch` (any base). */
    openPullRequestsFrom(branch) {
        return this.pulls.openPullRequestsFrom(branch);
    }
    /** Creates the pull request, or updates the open one for the branch (see Pulls). */
    upsertPullRequest(spec) {
        return this.pulls.upsertPullRequest(spec);
    }
}

/**
 * The config repository a plan's destination names, as the writers need it:
 * the GitHub repository (API reads, commits, pull requests) and the URL git
 * clones. A plain git destination has a GitHub repository only when its URL
 * is one, and only when the api method or a pull request needs it.
 */
function configRepositoryOf(destination, ports) {
    if (destination.kind === 'github') {
        const serverUrl = (ports.env.GITHUB_SERVER_URL ?? 'https://github.com').replace(/\/$/, '');
        return {
            cloneUrl: `${serverUrl}/${destination.repository}.git`,
            github: connect(destination.repository, ports.env.GITHUB_API_URL, ports, 'The config repository')
        };
    }
    let github;
    return {
        cloneUrl: destination.url,
        githubFor: why => (github ??= githubOfUrl(destination.url, why, ports))
    };
}
/** `https://host/owner/name(.git)` → owner/name and the API URL, else undefined. */
function parseGitHubUrl(url, env) {
    const match = /^https?:\/\/([^/]+)\/([^/]+)\/([^/]+?)(?:\.git)?\/?$/.exec(url);
    if (!match)
        return undefined;
    const [, host, owner, repo] = match;
    const apiUrl = env.GITHUB_API_URL ??
        (host === 'github.com' ? 'https://api.github.com' : `${new URL(url).origin}/api/v3`);
    return { repository: `${owner}/${repo}`, apiUrl };
}
function githubOfUrl(url, why, ports) {
    const parsed = parseGitHubUrl(url, ports.env);
    if (!parsed) {
        throw new InputError(`${why} needs a GitHub repository URL, got ${JSON.stringify(url)}.`, {
            hint: 'Push to the base branch (mode push), or name the config repository by its GitHub URL, e.g. https://github.com/acme/gitops-config.git'
        });
    }
    return connect(parsed.repository, parsed.apiUrl, ports, why);
}
function connect(repository, apiUrl, ports, why) {
    if (!ports.token) {
        throw new InputError(`${why} needs a token in ${ports.tokenSource}.`, {
            hint: 'Pass a token that can write to the config repository (a GitHub App or fine-grained token for another repository), or push to the base branch with git.'
        });
    }
    return connectGitHub({ repository, token: ports.token, apiUrl, logger: ports.logger });
}

export { changesTouch as a, answerStands as b, configRepositoryOf as c };
//# sourceMappingURL=destination.js.map
