ipvsadm -A -t 10.10.0.1:80 -s rr
ipvsadm -A -t 10.10.0.2:80 -s wrr
ipvsadm -A -t 10.10.0.3:80 -s lc
ipvsadm -A -t 10.10.0.4:80 -s wlc
ipvsadm -A -t 10.10.0.5:80 -s lblc
ipvsadm -A -t 10.10.0.6:80 -s lblcr
ipvsadm -A -t 10.10.0.7:80 -s dh
ipvsadm -A -t 10.10.0.8:80 -s sh
ipvsadm -A -t 10.10.0.9:80 -s sed
ipvsadm -A -t 10.10.0.10:80 -s nq
ipvsadm -A -t 10.10.0.11:80 -s fo
ipvsadm -A -t 10.10.0.12:80 -s ovf
ipvsadm -A -t 10.10.0.13:80 -s mh
ipvsadm -Ln
ipvsadm -Sn
