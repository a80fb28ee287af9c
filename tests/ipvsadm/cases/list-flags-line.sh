ipvsadm -A -t 10.10.0.1:80 -s sh -b sh-port -p 10 -M 255.255.255.128
ipvsadm -A -u 10.10.0.1:53 -s mh -b mh-fallback -o -p
ipvsadm -Ln
ipvsadm -Ln --stats
ipvsadm -Ln --thresholds
